using MiniAuth.Auth.Browser;
using MiniAuth.Auth.Sessions;

namespace MiniAuth.Auth.Api;

// How a sign-in's tokens leave, whichever factor proved the user: the device cookie renewed, the
// refresh token in the cookie, or in the body when the client asked for it there.
public static class SignInResponse
{
    public static TokenResponse Deliver(IssuedTokens issued, RefreshTokenDelivery? delivery, RefreshCookie cookie, DeviceCookie device,
        HttpContext http, DateTimeOffset now)
    {
        device.Write(http, issued.UserId, now);
        var inBody = delivery == RefreshTokenDelivery.Body;
        if (!inBody) cookie.Write(http, issued.RefreshToken, issued.RefreshExpiresAt, now);
        return Of(issued, inBody);
    }

    public static TokenResponse Of(IssuedTokens issued, bool refreshInBody) =>
        new(issued.AccessToken, "Bearer", issued.AccessExpiresIn, refreshInBody ? issued.RefreshToken : null);
}
