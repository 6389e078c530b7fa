using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace MiniAuth.Storage;

// The store's own meter, "MiniAuth.Storage": how long each store call takes, which ones fail,
// how many sessions each reason ended (every revocation passes through the session store
// with its reason, so this count misses none, whichever code path ends them), and how often
// the user cache (UserCache) answered.
public sealed class StoreMetrics
{
    public const string MeterName = "MiniAuth.Storage";

    readonly Histogram<double> _duration;
    readonly Counter<long> _errors;
    readonly Counter<long> _revoked;
    readonly Counter<long> _userCacheLookups;

    public StoreMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram<double>("miniauth.store.operation.duration", "s",
            "Duration of store calls, by store and operation",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _errors = meter.CreateCounter<long>("miniauth.store.errors", "{error}",
            "Store calls that failed, by store, operation and kind (outage: the server did not answer)");
        _revoked = meter.CreateCounter<long>("miniauth.sessions.revoked", "{session}",
            "Sessions ended before their expiry, by reason");
        _userCacheLookups = meter.CreateCounter<long>("miniauth.store.user_cache.lookups", "{lookup}",
            "Reads of GET /profile and restores answered from the user cache (hit) or the store (miss)");
    }

    internal void UserCacheLookup(bool hit) =>
        _userCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    internal void Completed(string store, MethodInfo method, object?[]? args, Task? task, long started)
    {
        var failure = task is null ? null : task.IsCanceled ? new OperationCanceledException() : task.Exception?.InnerException;
        var tags = new TagList { { "store", store }, { "operation", method.Name } };
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (failure is OperationCanceledException) return;
        if (failure is not null)
        {
            tags.Add("kind", StoreOutage.IsOutage(failure) ? "outage" : "error");
            _errors.Add(1, tags);
            return;
        }
        CountRevocations(method, args, task);
    }

    internal void Failed(string store, MethodInfo method, Exception failure, long started) =>
        Completed(store, method, null, Task.FromException(failure), started);

    // RevokeAsync answers true when it ended the session, RevokeAllForUserAsync how many it ended.
    void CountRevocations(MethodInfo method, object?[]? args, Task? task)
    {
        if (method.DeclaringType != typeof(ISessionStore) || args is null) return;
        var ended = task switch
        {
            Task<bool> { Result: true } when method.Name == nameof(ISessionStore.RevokeAsync) => 1,
            Task<int> count when method.Name == nameof(ISessionStore.RevokeAllForUserAsync) => count.Result,
            _ => 0,
        };
        var reason = method.GetParameters().FirstOrDefault(p => p.Name == "reason") is { } parameter ? args[parameter.Position] as string : null;
        if (ended > 0 && reason is not null) _revoked.Add(ended, new KeyValuePair<string, object?>("reason", reason));
    }
}
