namespace MiniAuth.Storage;

// Frees dead sessions the way Redis TTL would. Expiry is enforced on read; this only frees space.
internal sealed partial class SessionSweeper(ISessionStore sessions, ILoginFailureStore loginFailures,
    IAccountTokenStore accountTokens, IAuditStore audit, TimeProvider time, IOptions<SweeperOptions> options,
    IOptions<SessionRetentionOptions> retention, IOptions<AuditRetentionOptions> auditRetention, ILogger<SessionSweeper> logger) : BackgroundService
{
    // Completes when the next pass to start has finished: tests await it instead of polling the store.
    TaskCompletionSource _nextPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    internal Task NextPassAsync() => Volatile.Read(ref _nextPass).Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            var pass = Interlocked.Exchange(ref _nextPass, new(TaskCreationOptions.RunContinuationsAsynchronously));
            await SweepOnceAsync(stoppingToken);
            pass.TrySetResult();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // A failed sweep is logged and retried next tick; it must not stop the host.
    internal async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        try
        {
            var now = time.GetUtcNow();
            var deleted = await sessions.DeleteEndedAsync(now - retention.Value.EndedSessionKeep, ct);
            if (deleted > 0) LogSwept(deleted);
            // Failed-login counts whose window has passed count for nothing any more.
            var failures = await loginFailures.DeleteExpiredAsync(now, ct);
            if (failures > 0) LogSweptLoginFailures(failures);
            var tokens = await accountTokens.DeleteExpiredAsync(now, ct);
            if (tokens > 0) LogSweptAccountTokens(tokens);
            var events = await audit.DeleteOlderThanAsync(now - auditRetention.Value.Keep, ct);
            if (events > 0) LogSweptAuditEvents(events);
            return deleted;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSweepFailed(e);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {Count} ended sessions")]
    partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {Count} expired failed-login counts")]
    partial void LogSweptLoginFailures(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {Count} expired one-time account tokens")]
    partial void LogSweptAccountTokens(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swept {Count} audit events older than MiniAuth:Audit:Retention")]
    partial void LogSweptAuditEvents(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session sweep failed; retrying at the next interval")]
    partial void LogSweepFailed(Exception exception);
}
