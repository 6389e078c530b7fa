using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Browser;

// __Host-refresh_token=…; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=<seconds left>
// The __Host- prefix makes browsers refuse the name from a sibling subdomain or with a Domain,
// so no other site can plant or shadow it.
public sealed class RefreshCookie(IOptions<RefreshCookieOptions> options, IOptions<CorsAllowListOptions> cors,
    IOptions<TokenOptions> tokens)
{
    readonly RefreshCookieOptions _options = options.Value;
    readonly string? _publicOrigin = tokens.Value.PublicUrl is { } url ? new Uri(url).GetLeftPart(UriPartial.Authority) : null;
    readonly HashSet<string> _allowedOrigins = cors.Value.AllowedOrigins
        .Select(o => CorsAllowListOptions.ParseOrigin(o)!).ToHashSet(StringComparer.Ordinal);

    // The browser attaches the cookie to any POST, even one a foreign page sends (a form needs no
    // CORS), and SameSite does not stop a sibling subdomain. So the cookie counts only when the
    // request's Origin is exactly (scheme, host, port) this service's own or an allowed one, or
    // when no page sent it at all (a native client sends no Origin, a browser says cross-site).
    public bool SentByForeignPage(HttpContext http)
    {
        string? origin = http.Request.Headers.Origin;
        if (string.IsNullOrEmpty(origin)) return http.Request.Headers["Sec-Fetch-Site"] == "cross-site";
        var page = CorsAllowListOptions.ParseOrigin(origin);
        return page is null || !(page == OwnOrigin(http) || _allowedOrigins.Contains(page));
    }

    // PublicUrl's origin; without it the request's own (a TLS-terminating proxy must then be in
    // ForwardedHeaders:KnownProxies, so that the scheme seen here is the page's).
    string? OwnOrigin(HttpContext http) =>
        _publicOrigin ?? CorsAllowListOptions.ParseOrigin($"{http.Request.Scheme}://{http.Request.Host}");

    // Read from the header by the exact name: ASP.NET Core's cookie collection matches names
    // case-insensitively, so "__HOST-refresh_token", which a browser lets a sibling subdomain
    // set, would pass for ours.
    public string? Read(HttpContext http)
    {
        foreach (var (name, value) in Pairs(http))
            if (name.Equals(_options.Name, StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(value)) return value;
        return null;
    }

    // The name twice, in any case: one was planted beside ours, and which is which cannot be told.
    public bool SentTwice(HttpContext http)
    {
        var seen = 0;
        foreach (var (name, _) in Pairs(http))
            if (name.Equals(_options.Name, StringComparison.OrdinalIgnoreCase) && ++seen > 1) return true;
        return false;
    }

    static IEnumerable<(string Name, string Value)> Pairs(HttpContext http)
    {
        foreach (var header in http.Request.Headers.Cookie)
            foreach (var pair in (header ?? "").Split(';'))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0) continue;
                var value = pair[(eq + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
                yield return (pair[..eq].Trim(), value);
            }
    }

    public void Write(HttpContext http, string refreshToken, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var cookie = Attributes();
        cookie.MaxAge = expiresAt - now;
        http.Response.Cookies.Append(_options.Name, refreshToken, cookie);
    }

    // Sent back already expired, so the browser drops it.
    public void Clear(HttpContext http) => http.Response.Cookies.Delete(_options.Name, Attributes());

    CookieOptions Attributes() => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = _options.SameSite,
        Path = _options.Path,
        IsEssential = true,
    };
}
