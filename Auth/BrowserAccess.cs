using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace MiniAuth.Auth;

// Front ends on other origins: only the listed ones may call with credentials (the refresh
// cookie), and only they may read the answers. An empty list means same-origin only.
public sealed class CorsAllowListOptions : IValidatableObject
{
    public const string Section = "MiniAuth:Cors";

    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins)
        {
            if (ParseOrigin(origin) is null)
                yield return new ValidationResult(
                    $"MiniAuth:Cors:AllowedOrigins holds '{origin}': each entry must be an origin such as https://app.example.com " +
                    "(http or https, a host, an optional port, no path, no wildcard).",
                    [nameof(AllowedOrigins)]);
        }
    }

    // A wildcard can never go with credentials, and a path or query is never part of an origin.
    internal static string? ParseOrigin(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Contains('*')) return null;
        if (!Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/"
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || origin.TrimEnd().EndsWith('/'))
            return null;
        return uri.GetLeftPart(UriPartial.Authority);
    }
}

public static class BrowserAccess
{
    public static IServiceCollection AddMiniAuthCors(this IServiceCollection services)
    {
        services.AddValidatedOptions<CorsAllowListOptions>(CorsAllowListOptions.Section);
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
