using MiniAuth.Storage.LiteDb;
using MiniAuth.Storage.Postgres;
using MiniAuth.Storage.Redis;

namespace MiniAuth.Storage;

// Reaches each configured server before the host starts, so an unreachable one stops the start
// with a message that names it, instead of the first request failing. Closes the LiteDB file
// when the host has stopped: the container disposes it only later, after the host has already
// reported stopped, so a restart in the same process could open the file while the old
// instance still holds its log.
internal sealed class StorageConnector(IOptions<StorageOptions> options, IServiceProvider services) : IHostedLifecycleService
{
    readonly Lock _closing = new();
    LiteDbContext? _liteDb;

    Task? _connecting;

    // Once: the process's own start calls it before the host starts (see StartupFailure), the host again.
    public Task ConnectAsync(CancellationToken cancellationToken)
    {
        lock (_closing) return _connecting ??= ConnectOnceAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => ConnectAsync(cancellationToken);

    async Task ConnectOnceAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Sessions == SessionBackend.Redis)
            await services.GetRequiredService<RedisConnection>().DatabaseAsync(cancellationToken);
        if (options.Value.Users == UserBackend.Postgres)
            await services.GetRequiredService<PostgresDatabase>().EnsureSchemaAsync(cancellationToken);
        if (options.Value.UsesLiteDb)
            _liteDb = services.GetRequiredService<LiteDbContext>();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // The host may be stopped twice at once (the test host does): the second waits for the first.
        lock (_closing)
        {
            _liteDb?.Dispose();
            _liteDb = null;
        }
        return Task.CompletedTask;
    }
}
