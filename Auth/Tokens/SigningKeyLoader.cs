namespace MiniAuth.Auth.Tokens;

// Loads the keys before the server takes its first request, then re-reads them every
// ReloadInterval so that keys created or retired by other instances reach this one.
public sealed partial class SigningKeyLoader(SigningKeyRing keys, TimeProvider time, IOptions<SigningKeyOptions> options,
    ILogger<SigningKeyLoader> logger) : BackgroundService
{
    PeriodicTimer? _timer;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await keys.LoadAsync(cancellationToken);
        // Made before the host reports started, so that no tick of the clock can be missed.
        _timer = new PeriodicTimer(options.Value.ReloadInterval, time);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = _timer!;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // A failed reload keeps the keys it had and is retried next tick.
            try { await keys.LoadAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { LogReloadFailed(e); }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the signing keys failed; retrying at the next interval")]
    partial void LogReloadFailed(Exception exception);
}
