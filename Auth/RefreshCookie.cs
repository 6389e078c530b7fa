using Microsoft.Extensions.Options;

namespace MiniAuth.Auth;

// refresh_token=…; HttpOnly; Secure; SameSite=Strict; Path=/auth; Max-Age=<seconds left>
public sealed class RefreshCookie(IOptions<RefreshCookieOptions> options)
{
    readonly RefreshCookieOptions _options = options.Value;

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
