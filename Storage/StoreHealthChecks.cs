using Microsoft.Extensions.Diagnostics.HealthChecks;
using MiniAuth.Storage.LiteDb;

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

    // A cheap read of each store: it answers, or the check says which one does not. Reads of the
    // LiteDB file may answer while its disk is full, so after a failed write the check also
    // tries one small write, and says why it failed.
    sealed class StoreAnswers<TStore>(TStore store, IOptions<StorageOptions> options, IServiceProvider services) : IHealthCheck
        where TStore : class
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            if (InLiteDb() && services.GetRequiredService<LiteDbContext>().ProbeWrites() is { } fault)
                return HealthCheckResult.Unhealthy(fault);
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
                return HealthCheckResult.Unhealthy(e is StoreFileUnavailableException ? e.Message : null, e);
            }
        }

        bool InLiteDb() => store switch
        {
            ISessionStore => options.Value.Sessions == SessionBackend.LiteDb,
            _ => options.Value.Users == UserBackend.LiteDb,
        };
    }
}
