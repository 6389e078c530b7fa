using Microsoft.AspNetCore.HttpOverrides;

namespace MiniAuth.Auth.Defences;

public static class DefenceServices
{
    // The failed-login throttle, its limits, and which proxies may say who the client is.
    public static IServiceCollection AddDefences(this IServiceCollection services)
    {
        services.AddValidatedOptions<RateLimitingOptions>(RateLimitingOptions.Section);
        services.AddValidatedOptions<TrustedProxyOptions>(TrustedProxyOptions.Section);
        services.AddSingleton<LoginThrottle>();

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
