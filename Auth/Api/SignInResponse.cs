using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Browser;
using MiniAuth.Auth.Sessions;

namespace MiniAuth.Auth.Api;

// How a sign-in's tokens leave, whichever factor proved the user (a password, its second step, a
// passkey): the device cookie renewed, the refresh token in the cookie, or in the body when the
// client asked for it there.
public static class SignInResponse
{
    public static TokenResponse Deliver(IssuedTokens issued, bool refreshInBody, string? knownDeviceOf, RefreshCookie cookie,
        DeviceCookie device, AuditTrail audit, HttpContext http, DateTimeOffset now)
    {
        // No device cookie of this account: a browser or client it has not signed in from before (or one that cleared it).
        if (knownDeviceOf != issued.UserId) audit.NewDeviceSignIn(issued.UserId, issued.SessionId, ClientInfo.From(http).IpAddress);
        device.Write(http, issued.UserId, now);
        if (!refreshInBody) cookie.Write(http, issued.RefreshToken, issued.RefreshExpiresAt, now);
        return Of(issued, refreshInBody);
    }

    public static TokenResponse Of(IssuedTokens issued, bool refreshInBody) =>
        new(issued.AccessToken, "Bearer", issued.AccessExpiresIn, refreshInBody ? issued.RefreshToken : null);
}
