namespace MiniAuth.Storage.Redis;

// Listens to the other instances' user changes (RedisUserChanges) from the start, before the first
// request is served (StartingAsync, as StorageConnector). A subscription that fails costs the
// notices, not the start: copies then live their lifetime.
internal sealed partial class RedisUserChangeListener(IOptions<StorageOptions> options, IServiceProvider services,
    ILogger<RedisUserChangeListener> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Sessions != SessionBackend.Redis || options.Value.UserCacheLifetime <= TimeSpan.Zero) return;
        try
        {
            await services.GetRequiredService<RedisUserChanges>().SubscribeAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotListening(e);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not listening to other instances' user changes; this instance may show a changed profile for up to MiniAuth:Storage:UserCacheLifetime")]
    partial void LogNotListening(Exception exception);
}
