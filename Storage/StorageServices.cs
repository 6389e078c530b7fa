using Microsoft.Extensions.DependencyInjection.Extensions;
using MiniAuth.Storage.LiteDb;
using MiniAuth.Storage.Postgres;
using MiniAuth.Storage.Redis;

namespace MiniAuth.Storage;

public static class StorageServices
{
    // Every store contract, bound to the backend MiniAuth:Storage picks. Options are read when a
    // store is first asked for (after test and environment overrides), so the choice is made then,
    // one switch per contract; a backend nobody picked is never constructed, its file or server
    // never opened.
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.RedisConnection = configuration.GetConnectionString("Redis");
                options.PostgresConnection = configuration.GetConnectionString("Postgres");
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SweeperOptions>().BindConfiguration(SweeperOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionRetentionOptions>();
        services.AddOptions<AuditRetentionOptions>();

        services.AddSingleton<LiteDbContext>();
        services.AddSingleton<LiteDbUserStore>();
        services.AddSingleton<LiteDbSessionStore>();
        services.AddSingleton<LiteDbSigningKeyStore>();
        services.AddSingleton<LiteDbLoginFailureStore>();
        services.AddSingleton<LiteDbAccountTokenStore>();
        services.AddSingleton<LiteDbAuditStore>();
        services.AddSingleton<LiteDbMfaStore>();
        services.AddSingleton<LiteDbPasskeyStore>();
        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisSessionStore>();
        services.AddSingleton<RedisLoginFailureStore>();
        services.AddSingleton<PostgresDatabase>();
        services.AddSingleton<PostgresUserStore>();
        services.AddSingleton<PostgresSigningKeyStore>();
        services.AddSingleton<PostgresAccountTokenStore>();
        services.AddSingleton<PostgresAuditStore>();
        services.AddSingleton<PostgresMfaStore>();
        services.AddSingleton<PostgresPasskeyStore>();
        // Counts hits and misses only with metrics on, as the stores are measured only then.
        services.AddSingleton(provider => new UserCache(provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<StorageOptions>>(),
            provider.GetRequiredService<IOptions<StoreMetricsOptions>>().Value.Enabled ? provider.GetRequiredService<StoreMetrics>() : null));
        services.AddSingleton<RecentUsers>();
        services.AddSingleton<RedisUserChanges>();

        services.AddSingleton<ISessionStore>(provider => Chosen(provider).Sessions switch
        {
            SessionBackend.Redis => provider.GetRequiredService<RedisSessionStore>(),
            _ => provider.GetRequiredService<LiteDbSessionStore>(),
        });
        services.AddSingleton<ILoginFailureStore>(provider => Chosen(provider).Sessions switch
        {
            SessionBackend.Redis => provider.GetRequiredService<RedisLoginFailureStore>(),
            _ => provider.GetRequiredService<LiteDbLoginFailureStore>(),
        });
        // Every write forgets its user in the cache (UserCache), here and, with Redis, on every instance.
        services.AddSingleton<IUserStore>(provider => new ForgettingUserStore(Chosen(provider).Users switch
        {
            UserBackend.Postgres => provider.GetRequiredService<PostgresUserStore>(),
            _ => provider.GetRequiredService<LiteDbUserStore>(),
        }, provider.GetRequiredService<UserCache>(),
            Chosen(provider).Sessions == SessionBackend.Redis ? provider.GetRequiredService<RedisUserChanges>() : null));
        services.AddSingleton<IAccountTokenStore>(provider => Chosen(provider).Users switch
        {
            UserBackend.Postgres => provider.GetRequiredService<PostgresAccountTokenStore>(),
            _ => provider.GetRequiredService<LiteDbAccountTokenStore>(),
        });
        // The trail is kept with the users: on Redis + PostgreSQL it goes to PostgreSQL, where it lasts.
        services.AddSingleton<IAuditStore>(provider => Chosen(provider).Users switch
        {
            UserBackend.Postgres => provider.GetRequiredService<PostgresAuditStore>(),
            _ => provider.GetRequiredService<LiteDbAuditStore>(),
        });
        services.AddSingleton<IMfaStore>(provider => Chosen(provider).Users switch
        {
            UserBackend.Postgres => provider.GetRequiredService<PostgresMfaStore>(),
            _ => provider.GetRequiredService<LiteDbMfaStore>(),
        });
        services.AddSingleton<IPasskeyStore>(provider => Chosen(provider).Users switch
        {
            UserBackend.Postgres => provider.GetRequiredService<PostgresPasskeyStore>(),
            _ => provider.GetRequiredService<LiteDbPasskeyStore>(),
        });
        services.AddSingleton<ISigningKeyStore>(provider => Chosen(provider).Users switch
        {
            UserBackend.Postgres => provider.GetRequiredService<PostgresSigningKeyStore>(),
            _ => provider.GetRequiredService<LiteDbSigningKeyStore>(),
        });

        services.AddSingleton<ISessionCounter>(provider => Chosen(provider).Sessions switch
        {
            SessionBackend.Redis => provider.GetRequiredService<RedisSessionStore>(),
            _ => provider.GetRequiredService<LiteDbSessionStore>(),
        });
        services.AddStoreMetrics();

        // Before any other hosted service starts (the signing keys load from the store).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageConnector>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisUserChangeListener>());
        services.AddHostedService<SessionSweeper>();
        return services;
    }

    static StorageOptions Chosen(IServiceProvider provider) => provider.GetRequiredService<IOptions<StorageOptions>>().Value;
}
