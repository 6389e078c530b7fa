using System.Threading.RateLimiting;

namespace MiniAuth.Auth.Defences;

// A fixed window of permits whose window is judged by TimeProvider. The window starts with the
// first request after the previous one ended.
public sealed class ClockedWindowLimiter : RateLimiter
{
    readonly FixedWindowRateLimiter _permits;
    readonly TimeSpan _window;
    readonly TimeProvider _time;
    readonly Lock _lock = new();
    DateTimeOffset _windowEndsAt;

    public ClockedWindowLimiter(int permitLimit, TimeSpan window, TimeProvider time)
    {
        _permits = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            // TryReplenish is ignored until this much Stopwatch time has passed since the last
            // one, even without auto-replenishment; it must be positive. One tick leaves the
            // timing to TimeProvider.
            Window = TimeSpan.FromTicks(1),
            QueueLimit = 0,
            AutoReplenishment = false,
        });
        _window = window;
        _time = time;
        _windowEndsAt = time.GetUtcNow();
    }

    // Idle once its window has passed: the partitioned limiter then drops it, so memory does not
    // grow with every address ever seen.
    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = _time.GetUtcNow();
            lock (_lock) return now >= _windowEndsAt ? now - _windowEndsAt : null;
        }
    }

    public override RateLimiterStatistics? GetStatistics() => _permits.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (now >= _windowEndsAt)
            {
                _permits.TryReplenish();
                _windowEndsAt = now + _window;
            }
            var lease = _permits.AttemptAcquire(permitCount);
            if (lease.IsAcquired) return lease;
            lease.Dispose();
            return new RefusedLease(_windowEndsAt - now);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing) _permits.Dispose();
        base.Dispose(disposing);
    }

    sealed class RefusedLease(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;
        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
