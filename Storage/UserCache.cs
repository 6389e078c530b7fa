using System.Collections.Concurrent;

namespace MiniAuth.Storage;

// The users read lately, by id, behind RecentUsers. An entry lives at most UserCacheLifetime from
// the moment its read began, so no copy is older than that even when no notice of a change ever
// arrives. Every write through IUserStore forgets its user here (ForgettingUserStore), and with
// Redis every other instance forgets it too (RedisUserChanges).
public sealed class UserCache(TimeProvider time, IOptions<StorageOptions> options, StoreMetrics? metrics)
{
    public const int Capacity = 10_000;

    sealed record Entry(UserRecord User, DateTimeOffset ExpiresAt);

    // When a read began: its time and the forgets seen so far.
    public readonly record struct Read(DateTimeOffset At, long Generation);

    readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    readonly TimeSpan _lifetime = options.Value.UserCacheLifetime;
    // Counts every forget: a read that overlapped one may hold the record as it was before the
    // write, and must not be kept.
    long _generation;

    public bool Enabled => _lifetime > TimeSpan.Zero;

    public int Count => _entries.Count;

    // A copy of the user, or null when not cached or no longer fresh.
    public UserRecord? Find(string id)
    {
        if (_entries.TryGetValue(id, out var entry))
        {
            if (time.GetUtcNow() < entry.ExpiresAt)
            {
                metrics?.UserCacheLookup(hit: true);
                return entry.User.Copy();
            }
            _entries.TryRemove(new KeyValuePair<string, Entry>(id, entry));
        }
        metrics?.UserCacheLookup(hit: false);
        return null;
    }

    public Read BeginRead() => new(time.GetUtcNow(), Interlocked.Read(ref _generation));

    // Keeps what a read that began at `read` found, unless a forget came since. Checked again
    // after the insert: a forget between the check and the insert would otherwise miss it.
    public void Keep(UserRecord user, Read read)
    {
        if (Interlocked.Read(ref _generation) != read.Generation) return;
        // Simple bound: when full, start over; each user costs one more read.
        if (_entries.Count >= Capacity) _entries.Clear();
        var entry = new Entry(user.Copy(), read.At + _lifetime);
        _entries[user.Id] = entry;
        if (Interlocked.Read(ref _generation) != read.Generation)
            _entries.TryRemove(new KeyValuePair<string, Entry>(user.Id, entry));
    }

    public void Forget(string id)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(id, out _);
    }

    public void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }
}
