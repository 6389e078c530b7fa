using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using MiniAuth.Auth.Sessions;

namespace MiniAuth.Auth.Api;

// Who is calling a protected route: the user and the session of the access token (JwtBearer has
// already checked that the session is alive), and from where.
public sealed record Caller(string UserId, string SessionId, string? IpAddress)
{
    public static Caller From(ClaimsPrincipal principal, HttpContext http) => new(
        principal.FindFirstValue(JwtRegisteredClaimNames.Sub)!,
        principal.FindFirstValue(JwtRegisteredClaimNames.Sid)!,
        ClientInfo.From(http).IpAddress);
}
