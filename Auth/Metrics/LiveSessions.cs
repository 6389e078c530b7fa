using System.Diagnostics.Metrics;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Metrics;

// The live-sessions gauge. A scrape reads the last count; when that is older than
// LiveSessionsInterval it starts one new count in the background, for the next scrape. So the
// store is counted at most once per interval, and only while someone scrapes.
public sealed partial class LiveSessions
{
    readonly Func<ISessionCounter> _counter;
    readonly TimeProvider _time;
    readonly TimeSpan _interval;
    readonly ILogger<LiveSessions> _logger;
    readonly Lock _gate = new();
    long? _count;
    DateTimeOffset _countedAt = DateTimeOffset.MinValue;
    Task? _counting;

    // The counter is asked for at the first count, not here: the gauge is made when the meter
    // provider is, which must not open the store (its failures belong to the start's checks).
    public LiveSessions(IMeterFactory meters, Func<ISessionCounter> counter, TimeProvider time, IOptions<MetricsOptions> options,
        ILogger<LiveSessions> logger)
    {
        (_counter, _time, _interval, _logger) = (counter, time, options.Value.LiveSessionsInterval, logger);
        // The same meter as MiniAuthMetrics' (a factory hands out one Meter per name).
        meters.Create(MiniAuthMetrics.MeterName).CreateObservableGauge("miniauth.sessions.live", Read, "{session}",
            "Sessions active (neither expired nor revoked), counted in the store at most every MiniAuth:Metrics:LiveSessionsInterval");
    }

    // The count in flight, if any (tests await it).
    internal Task Counting => _counting ?? Task.CompletedTask;

    internal IEnumerable<Measurement<long>> Read()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_counting is null && now - _countedAt >= _interval)
                _counting = CountAsync(now);
            // No measurement before the first count: an unknown is not a zero.
            return _count is { } count ? [new Measurement<long>(count)] : [];
        }
    }

    // A store that does not answer leaves the last count in place; it is tried again next interval.
    async Task CountAsync(DateTimeOffset now)
    {
        long? counted = null;
        try
        {
            await Task.Yield();
            counted = await _counter().CountActiveAsync(now, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogCountFailed(_logger, e);
        }
        lock (_gate)
        {
            if (counted is { } value) _count = value;
            _countedAt = now;
            _counting = null;
        }
    }

    [LoggerMessage(EventId = 3900, Level = LogLevel.Warning, Message = "Counting the live sessions for /metrics failed; the gauge keeps its last value")]
    static partial void LogCountFailed(ILogger logger, Exception exception);
}
