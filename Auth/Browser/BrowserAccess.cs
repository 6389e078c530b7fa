using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace MiniAuth.Auth.Browser;

// What browsers get beyond the JSON API: the refresh cookie's rules, CORS, the demo page.
public static class BrowserAccess
{
    // The refresh and device cookies, and which other origins may call with them (CORS).
    public static IServiceCollection AddBrowserAccess(this IServiceCollection services)
    {
        services.AddValidatedOptions<RefreshCookieOptions>(RefreshCookieOptions.Section);
        services.AddValidatedOptions<CorsAllowListOptions>(CorsAllowListOptions.Section);
        services.AddSingleton<RefreshCookie>();
        services.AddSingleton<DeviceCookie>();
        services.AddCors();
        // Built when first needed, so test and environment overrides are in.
        services.AddOptions<CorsOptions>().Configure<IOptions<CorsAllowListOptions>>((cors, allowList) =>
            cors.AddDefaultPolicy(policy => policy
                .WithOrigins(allowList.Value.AllowedOrigins.Select(o => CorsAllowListOptions.ParseOrigin(o)!).ToArray())
                .AllowCredentials()
                .WithMethods("GET", "POST", "PATCH", "DELETE")
                .WithHeaders(HeaderNames.Authorization, HeaderNames.ContentType)
                // miniauth.js tells "refresh and retry" from other 401s by this header.
                .WithExposedHeaders(HeaderNames.WWWAuthenticate, HeaderNames.RetryAfter)
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    // The demo page and miniauth.js, from wwwroot, at "/".
    public static IApplicationBuilder UseMiniAuthStaticFiles(this IApplicationBuilder app)
    {
        app.UseDefaultFiles();
        return app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.CacheControl = "no-cache";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy =
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
                        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
                    headers["Referrer-Policy"] = "no-referrer";
                }
            },
        });
    }
}
