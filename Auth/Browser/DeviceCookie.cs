using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Browser;

// __Host-device=<device token>; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=<token lifetime>
// Proof that this browser signed in to one account before: it lets the owner past the
// account-wide login limit (never past the per-client one). Renewed at every successful login.
// __Host- keeps a sibling subdomain from planting or shadowing it.
public sealed class DeviceCookie(TokenService tokens, RefreshCookie refreshCookie)
{
    public const string Name = "__Host-device";

    // The user this browser signed in to before, or null: no cookie, a bad one, or a foreign page
    // (which must not spend the owner's exemption).
    public async Task<string?> ReadUserIdAsync(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(Name, out var token) || string.IsNullOrWhiteSpace(token)) return null;
        if (refreshCookie.SentByForeignPage(http)) return null;
        return await tokens.ValidateDeviceTokenAsync(token);
    }

    public void Write(HttpContext http, string userId, DateTimeOffset now) =>
        http.Response.Cookies.Append(Name, tokens.CreateDeviceToken(userId, now), new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = tokens.DeviceTokenLifetime,
            IsEssential = true,
        });
}
