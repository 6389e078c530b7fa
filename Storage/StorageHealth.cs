using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MiniAuth.Storage;

// /health: 200 while every store answers, 503 naming the ones that do not.
public static class StorageHealth
{
    public static IServiceCollection AddStorageHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreAnswers<IUserStore>>("users")
            .AddCheck<StoreAnswers<ISessionStore>>("sessions")
            .AddCheck<StoreAnswers<ISigningKeyStore>>("signingKeys");
        return services;
    }

    public static RouteHandlerBuilder MapStorageHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", CheckAsync).WithName("health").WithTags("Health");

    static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> CheckAsync(HealthCheckService health, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(ct);
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString());
        if (report.Status == HealthStatus.Healthy)
            return TypedResults.Ok(new HealthResponse(report.Status.ToString(), checks));

        var down = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Key);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Storage unavailable",
            detail: $"These stores do not answer: {string.Join(", ", down)}.",
            extensions: new Dictionary<string, object?> { ["checks"] = checks });
    }

    public sealed record HealthResponse(string Status, IReadOnlyDictionary<string, string> Checks);

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
