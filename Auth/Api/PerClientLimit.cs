using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Sessions;

namespace MiniAuth.Auth.Api;

// Signup and login together, per client IP (RateLimiting:PerIpPermitsPerMinute), through ASP.NET
// Core's rate limiting middleware. The limiters of System.Threading.RateLimiting read the
// Stopwatch and take no TimeProvider, so each partition is a FixedWindowRateLimiter without
// auto-replenishment that ClockedWindowLimiter replenishes when TimeProvider says its window has
// passed: the window then follows the service's clock, and the tests' FakeTimeProvider.
public static class PerClientLimit
{
    public const string Policy = "signup-and-login-per-ip";
    static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static void Configure(RateLimiterOptions limiter)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.AddPolicy(Policy, http =>
        {
            var services = http.RequestServices;
            var options = services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
            if (!options.Enabled) return RateLimitPartition.GetNoLimiter("");
            var time = services.GetRequiredService<TimeProvider>();
            return RateLimitPartition.Get(ClientAddress.KeyOf(http),
                _ => new ClockedWindowLimiter(options.PerIpPermitsPerMinute, Window, time));
        });
        limiter.OnRejected = (context, ct) =>
        {
            var http = context.HttpContext;
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
            http.RequestServices.GetRequiredService<AuditTrail>()
                .ClientRateLimited(http.Request.Path, ClientInfo.From(http).IpAddress);
            return new ValueTask(Problems.TooManyRequests(http, retryAfter,
                "Too many signups and logins from this address; try again later.").ExecuteAsync(http));
        };
    }
}
