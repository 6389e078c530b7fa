namespace MiniAuth.Auth.Browser;

// refresh_token=…; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=<seconds left>
public sealed class RefreshCookie(IOptions<RefreshCookieOptions> options, IOptions<CorsAllowListOptions> cors)
{
    readonly RefreshCookieOptions _options = options.Value;
    readonly HashSet<string> _allowedOrigins = cors.Value.AllowedOrigins
        .Select(o => CorsAllowListOptions.ParseOrigin(o)!).ToHashSet(StringComparer.OrdinalIgnoreCase);

    // The browser attaches the cookie to any POST, even one a foreign page sends (a form needs no
    // CORS), and SameSite does not stop a sibling subdomain. So the cookie counts only when the
    // request comes from this service's own page, an allowed origin, or no page at all (a native
    // client sends no Origin).
    public bool SentByForeignPage(HttpContext http)
    {
        string? origin = http.Request.Headers.Origin;
        if (string.IsNullOrEmpty(origin)) return http.Request.Headers["Sec-Fetch-Site"] == "cross-site";
        if (http.Request.Headers["Sec-Fetch-Site"] == "same-origin" || _allowedOrigins.Contains(origin)) return false;
        // Behind a TLS-terminating proxy the scheme and port seen here differ from the page's.
        return !Uri.TryCreate(origin, UriKind.Absolute, out var page)
            || !string.Equals(page.Host, http.Request.Host.Host, StringComparison.OrdinalIgnoreCase);
    }

    public string? Read(HttpContext http) =>
        http.Request.Cookies.TryGetValue(_options.Name, out var token) && !string.IsNullOrWhiteSpace(token) ? token : null;

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
