using Microsoft.Extensions.DependencyInjection.Extensions;
using MiniAuth.Auth;
using MiniAuth.Storage.LiteDb;
using MiniAuth.Storage.Postgres;
using MiniAuth.Storage.Redis;

namespace MiniAuth.Storage;

// A server that MiniAuth was told to use and could not reach; the message names it.
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);

public static class StorageBackends
{
    // Call after AddLiteDbStorage(): each store contract is bound to the backend the options
    // pick, resolved lazily so that a LiteDB file nobody uses is never opened.
    public static IServiceCollection AddStorageBackends(this IServiceCollection services)
    {
        services.AddValidatedOptions<StorageOptions>(StorageOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.RedisConnection = configuration.GetConnectionString("Redis");
                options.PostgresConnection = configuration.GetConnectionString("Postgres");
            });

        services.AddRedisStorage();
        services.AddPostgresStorage();
        services.Choose<ISessionStore, RedisSessionStore>(o => o.Sessions == SessionBackend.Redis);
        services.Choose<ILoginFailureStore, RedisLoginFailureStore>(o => o.Sessions == SessionBackend.Redis);
        services.Choose<IUserStore, PostgresUserStore>(o => o.Users == UserBackend.Postgres);
        services.Choose<ISigningKeyStore, PostgresSigningKeyStore>(o => o.Users == UserBackend.Postgres);

        services.AddExceptionHandler<StoreOutage>();

        // Before any other hosted service starts (the signing keys load from the store).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageConnector>());
        return services;
    }

    // TStore is TServer when chosen, else whatever was registered for it before (LiteDB).
    static void Choose<TStore, TServer>(this IServiceCollection services, Func<StorageOptions, bool> chosen)
        where TStore : class where TServer : class, TStore
    {
        var fallback = services.LastOrDefault(d => d.ServiceType == typeof(TStore))
            ?? throw new InvalidOperationException($"Register the default {typeof(TStore).Name} before AddStorageBackends().");
        services.RemoveAll<TStore>();
        services.AddSingleton<TStore>(provider =>
            chosen(provider.GetRequiredService<IOptions<StorageOptions>>().Value)
                ? provider.GetRequiredService<TServer>()
                : (TStore)(fallback.ImplementationInstance
                    ?? fallback.ImplementationFactory?.Invoke(provider)
                    ?? ActivatorUtilities.CreateInstance(provider, fallback.ImplementationType!)));
    }
}

// Reaches each configured server before the host starts, so an unreachable one stops the start
// with a message that names it, instead of the first request failing. Closes the LiteDB file
// when the host has stopped: the container disposes it only later, after the host has already
// reported stopped, so a restart in the same process could open the file while the old
// instance still holds its log.
internal sealed class StorageConnector(IOptions<StorageOptions> options, IServiceProvider services) : IHostedLifecycleService
{
    readonly Lock _closing = new();
    LiteDbContext? _liteDb;

    public async Task StartingAsync(CancellationToken cancellationToken)
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
