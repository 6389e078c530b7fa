using System.Collections.Concurrent;

namespace MiniAuth.AspNetCore;

// The sids the revokedSessions feed named, each kept for the feed's keepSeconds (after that its
// access tokens have expired anyway). Read on every request, in memory; written by the poller.
public sealed class RevokedSessionList
{
    readonly ConcurrentDictionary<string, DateTimeOffset> _forgetAt = new(StringComparer.Ordinal);
    TaskCompletionSource _nextPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count => _forgetAt.Count;

    // When the feed last answered, and why the latest poll failed (null when it did not).
    public DateTimeOffset? LastSuccessAt { get; private set; }
    public string? LastFailure { get; private set; }

    public bool Contains(string sid) => _forgetAt.ContainsKey(sid);

    // Completes when the next poll to start has finished, answered or not: tests move a fake
    // clock past the poll interval and await this instead of sleeping.
    public Task NextPollAsync() => Volatile.Read(ref _nextPoll).Task;

    internal TaskCompletionSource StartPoll() =>
        Interlocked.Exchange(ref _nextPoll, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    internal void Add(IEnumerable<string> sids, DateTimeOffset forgetAt)
    {
        foreach (var sid in sids) _forgetAt[sid] = forgetAt;
    }

    internal void Succeeded(DateTimeOffset now)
    {
        foreach (var (sid, forgetAt) in _forgetAt)
            if (forgetAt < now) _forgetAt.TryRemove(sid, out _);
        LastSuccessAt = now;
        LastFailure = null;
    }

    internal void Failed(string reason) => LastFailure = reason;

    // Fail closed: no answer yet, or the last one older than the allowed staleness.
    internal bool IsStale(DateTimeOffset now, TimeSpan allowed) => LastSuccessAt is not { } at || now - at > allowed;
}
