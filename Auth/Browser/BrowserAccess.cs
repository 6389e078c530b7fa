using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.FileProviders;
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

    // The demo page and miniauth.js, at "/": wwwroot is embedded in the assembly, so the single
    // published executable, `dotnet run` and the tests all serve the same files, with nothing beside.
    public static IApplicationBuilder UseMiniAuthStaticFiles(this IApplicationBuilder app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(BrowserAccess).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
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
