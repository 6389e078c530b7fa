using Microsoft.AspNetCore.HttpOverrides;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

// Sessions, admin, brute-force limits, password list, audit trail, trusted proxies.
public static class AccountServices
{
    public static IServiceCollection AddAccountDefences(this IServiceCollection services)
    {
        services.AddValidatedOptions<RateLimitingOptions>(RateLimitingOptions.Section);
        services.AddValidatedOptions<TrustedProxyOptions>(TrustedProxyOptions.Section);
        services.AddValidatedOptions<AdminOptions>(AdminOptions.Section);
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();

        services.AddSingleton<CommonPasswords>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AuditTrail>();
        services.AddHostedService<AdminSeeder>();

        services.AddAuthorizationBuilder().AddPolicy(AdminApi.AdminPolicy, policy => policy
            .RequireAuthenticatedUser()
            .RequireClaim("roles", AdminApi.AdminRole));
        services.AddRateLimiter(PerClientLimit.Configure);

        // X-Forwarded-For/-Proto are applied only when they come from a configured proxy.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            if (!trusted.Value.Any)
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.None;
                return;
            }
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Walks back through the chain while each hop is a trusted proxy, no further.
            forwarded.ForwardLimit = null;
            foreach (var proxy in trusted.Value.KnownProxies) forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            foreach (var network in trusted.Value.KnownNetworks) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        return services;
    }

    public static IApplicationBuilder UseTrustedForwardedHeaders(this IApplicationBuilder app) => app.UseForwardedHeaders();
}
