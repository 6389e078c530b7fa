using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace MiniAuth.Storage;

// The in-memory copies' simple bound (KnownSessions, RedisSessionFence): when it holds Capacity
// entries it starts over, and each entry is put in again as it is next written or read. Counted
// here, on hot paths (every refresh writes one): ConcurrentDictionary.Count takes every lock.
internal sealed class ClearedWhenFull<TValue>(int capacity) where TValue : class
{
    readonly ConcurrentDictionary<string, TValue> _entries = new(StringComparer.Ordinal);
    int _count;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _entries.TryGetValue(key, out value);

    public void Set(string key, TValue value)
    {
        if (!_entries.TryAdd(key, value))
        {
            _entries[key] = value;
            return;
        }
        if (Interlocked.Increment(ref _count) <= capacity) return;
        _entries.Clear();
        _entries[key] = value;
        // Concurrent adds and removes make the count drift a little; it is set right at each clear.
        Interlocked.Exchange(ref _count, _entries.Count);
    }

    public void Remove(string key)
    {
        if (_entries.TryRemove(key, out _)) Interlocked.Decrement(ref _count);
    }
}
