using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MiniAuth.AspNetCore;

// Healthy while the feed answers; Degraded when the latest poll failed (the last list stays in
// force); Unhealthy once fail-closed refuses every token.
internal sealed class RevocationHealthCheck(RevokedSessionList list, IOptionsMonitor<MiniAuthBearerOptions> options, TimeProvider time,
    string scheme) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Get(scheme);
        if (!settings.CheckRevocation)
            return Task.FromResult(HealthCheckResult.Healthy("Revocation checking is off (CheckRevocation = false)."));
        var data = new Dictionary<string, object> { ["sids"] = list.Count };
        if (list.LastSuccessAt is { } at) data["lastSuccessAt"] = at;
        if (settings.FailClosedAfter is { } allowed && list.IsStale(time.GetUtcNow(), allowed))
            return Task.FromResult(HealthCheckResult.Unhealthy("MiniAuth's revoked-sessions feed has not answered within FailClosedAfter: every token is refused.", data: data));
        if (list.LastFailure is { } failure)
            return Task.FromResult(HealthCheckResult.Degraded($"MiniAuth's revoked-sessions feed did not answer ({failure}); the last list stays in force.", data: data));
        if (list.LastSuccessAt is null)
            return Task.FromResult(HealthCheckResult.Degraded("MiniAuth's revoked-sessions feed has not been read yet.", data: data));
        return Task.FromResult(HealthCheckResult.Healthy("MiniAuth's revoked-sessions feed answers.", data));
    }
}
