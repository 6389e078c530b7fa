using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MiniAuth.Auth.Api;

// /health: 200 while every store answers, 503 naming the ones that do not.
public static class HealthApi
{
    public static RouteHandlerBuilder MapHealthApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", CheckAsync).WithName("health").WithTags("Health");

    static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> CheckAsync(HealthCheckService health, CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(ct);
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString());
        if (report.Status == HealthStatus.Healthy)
            return TypedResults.Ok(new HealthResponse(report.Status.ToString(), checks));

        var down = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).ToList();
        // The stores' own reasons (a full disk), when they have one.
        var why = down.Select(e => e.Value.Description).OfType<string>().Distinct();
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Storage unavailable",
            detail: string.Join(" ", [$"These stores do not answer: {string.Join(", ", down.Select(e => e.Key))}.", .. why]),
            extensions: new Dictionary<string, object?> { ["checks"] = checks });
    }
}
