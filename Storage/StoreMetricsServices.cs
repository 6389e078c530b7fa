using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MiniAuth.Storage;

public static class StoreMetricsServices
{
    // Each store contract, as AddStorage bound it, wrapped in MeasuredStore when metrics are on
    // (StoreMetricsOptions, read when the store is first asked for).
    public static IServiceCollection AddStoreMetrics(this IServiceCollection services)
    {
        services.AddOptions<StoreMetricsOptions>();
        services.TryAddSingleton<StoreMetrics>();
        Measure<ISessionStore>(services, "sessions");
        Measure<ILoginFailureStore>(services, "login_failures");
        Measure<IUserStore>(services, "users");
        Measure<IAccountTokenStore>(services, "account_tokens");
        Measure<IAuditStore>(services, "audit");
        Measure<ISigningKeyStore>(services, "signing_keys");
        Measure<IMfaStore>(services, "mfa");
        Measure<IPasskeyStore>(services, "passkeys");
        return services;
    }

    static void Measure<T>(IServiceCollection services, string store) where T : class
    {
        var bound = services.Last(d => d.ServiceType == typeof(T));
        var backend = bound.ImplementationFactory
            ?? throw new InvalidOperationException($"{typeof(T).Name} must be bound by a factory to be measured.");
        services.Remove(bound);
        services.AddSingleton<T>(provider =>
        {
            var inner = (T)backend(provider);
            return provider.GetRequiredService<IOptions<StoreMetricsOptions>>().Value.Enabled
                ? MeasuredStore<T>.Wrap(inner, provider.GetRequiredService<StoreMetrics>(), store)
                : inner;
        });
    }
}
