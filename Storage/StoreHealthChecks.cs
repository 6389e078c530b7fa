using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MiniAuth.Storage;

// One health check per store contract, named for what it holds; /health reports them.
public static class StoreHealthChecks
{
    public static IServiceCollection AddStoreHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreAnswers<IUserStore>>("users")
            .AddCheck<StoreAnswers<ISessionStore>>("sessions")
            .AddCheck<StoreAnswers<ISigningKeyStore>>("signingKeys");
        return services;
    }

    // A cheap read of each store: it answers, or the check says which one does not.
    sealed class StoreAnswers<TStore>(TStore store) : IHealthCheck where TStore : class
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await (store switch
                {
                    IUserStore users => users.FindByIdAsync("", ct),
                    ISessionStore sessions => sessions.FindAsync("", ct),
                    ISigningKeyStore keys => (Task)keys.ListAsync(ct),
                    _ => throw new NotSupportedException(typeof(TStore).Name),
                });
                return HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy(exception: e);
            }
        }
    }
}
