using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MiniAuth.Bench;

// The two ceilings MiniAuth is measured against, on the same Kestrel defaults as MiniAuth:
//   bare: a Minimal API endpoint that answers a profile-shaped JSON, no authentication at all;
//   jwt:  the same endpoint behind stock JwtBearer validating an ES256 access token shaped like
//         MiniAuth's (typ at+jwt, iss, aud, sub, sid, jti, email, roles), with no store behind it.
public static class Ceilings
{
    const string Issuer = "bench-ceiling";
    const string Audience = "bench-ceiling";

    public sealed record Profile(string Id, string Email, string? Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt);

    public static int Serve(string mode, string[] args)
    {
        // The same host builder as MiniAuth's Program.cs, so Kestrel and the middleware defaults match.
        var builder = WebApplication.CreateBuilder(args);
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "ceiling" };
        var createdAt = DateTimeOffset.UtcNow;

        if (mode == "jwt")
        {
            builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = Issuer,
                    ValidAudience = Audience,
                    ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                    ValidTypes = ["at+jwt"],
                    IssuerSigningKey = key,
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.Zero,
                    NameClaimType = JwtRegisteredClaimNames.Sub,
                    RoleClaimType = "roles",
                };
            });
            builder.Services.AddAuthorization();
        }
        else if (mode != "bare")
        {
            Console.Error.WriteLine("serve takes bare or jwt");
            return 2;
        }

        var app = builder.Build();
        app.MapGet("/health", () => TypedResults.Ok("Healthy"));
        if (mode == "jwt")
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/token", () => TypedResults.Ok(new { accessToken = CreateToken(key) }));
            app.MapGet("/profile", (ClaimsPrincipal user) => TypedResults.Ok(new Profile(
                user.FindFirstValue(JwtRegisteredClaimNames.Sub)!, user.FindFirstValue(JwtRegisteredClaimNames.Email)!,
                null, [], createdAt))).RequireAuthorization();
        }
        else
        {
            var profile = new Profile(Guid.CreateVersion7().ToString("N"), "bench@example.test", null, [], createdAt);
            app.MapGet("/profile", () => TypedResults.Ok(profile));
        }
        app.Run();
        return 0;
    }

    static string CreateToken(SecurityKey key) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
        new SecurityTokenDescriptor
        {
            TokenType = "at+jwt",
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = DateTime.UtcNow,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = Guid.CreateVersion7().ToString("N"),
                [JwtRegisteredClaimNames.Sid] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
                [JwtRegisteredClaimNames.Jti] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
                [JwtRegisteredClaimNames.Email] = "bench@example.test",
                ["roles"] = Array.Empty<string>(),
            },
        });
}
