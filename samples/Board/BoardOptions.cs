using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Board;

public sealed class BoardOptions
{
    public const string Section = "Board";

    // MiniAuth's base address: JwtBearer reads {Authority}/.well-known/openid-configuration,
    // then the jwks_uri it names.
    [Required(ErrorMessage = "Board:Authority must name MiniAuth's base address.")]
    public string Authority { get; set; } = "";

    // MiniAuth's MiniAuth:Issuer and MiniAuth:Audience.
    [Required(ErrorMessage = "Board:Issuer must not be empty.")]
    public string Issuer { get; set; } = "miniauth";

    [Required(ErrorMessage = "Board:Audience must not be empty.")]
    public string Audience { get; set; } = "miniauth";

    public static void ConfigureBearer(JwtBearerOptions bearer, BoardOptions board)
    {
        bearer.Authority = board.Authority;
        // Plain http only for a MiniAuth on this machine; anywhere else discovery needs https.
        bearer.RequireHttpsMetadata = !IsLoopback(board.Authority);
        bearer.MapInboundClaims = false;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = board.Issuer,
            ValidAudience = board.Audience,
            // MiniAuth signs with ES256 only, and marks access tokens at+jwt (RFC 9068). Its refresh
            // tokens carry their own audience too; the type check is the second fence.
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = "sub",
            RoleClaimType = "roles",
        };
    }

    static bool IsLoopback(string authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
