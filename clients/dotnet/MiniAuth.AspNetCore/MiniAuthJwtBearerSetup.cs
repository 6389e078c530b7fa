using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MiniAuth.AspNetCore;

// Stock JwtBearer, with what MiniAuth's access tokens are pinned: ES256 only, typ at+jwt
// (RFC 9068), issuer, audience, a token dead the second its exp passes, claims as MiniAuth names
// them. Runs before the app's own Configure<JwtBearerOptions>, so the app can still change anything.
internal sealed class MiniAuthJwtBearerSetup(IOptionsMonitor<MiniAuthBearerOptions> options) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(JwtBearerOptions bearer) { }

    public void Configure(string? name, JwtBearerOptions bearer)
    {
        var settings = options.Get(name);
        if (settings.Authority.Length == 0) return;
        bearer.Authority = settings.Authority.TrimEnd('/');
        bearer.Audience = settings.Audience;
        bearer.RequireHttpsMetadata = settings.RequireHttpsMetadata ?? !IsLoopback(settings.Authority);
        bearer.MapInboundClaims = false;
        // A kid MiniAuth rotated to is fetched at once (at most every 30 s), and the keys are read
        // again every KeyRefreshInterval (MiniAuth publishes a key two reloads before it signs).
        bearer.RefreshOnIssuerKeyNotFound = true;
        bearer.RefreshInterval = TimeSpan.FromSeconds(30);
        bearer.AutomaticRefreshInterval = settings.KeyRefreshInterval;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt"],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.Zero,
            NameClaimType = "sub",
            RoleClaimType = "roles",
        };
        if (!settings.CheckRevocation) return;
        bearer.Events ??= new JwtBearerEvents();
        var validated = bearer.Events.OnTokenValidated;
        bearer.Events.OnTokenValidated = async context =>
        {
            await validated(context);
            if (context.Result is { Failure: not null }) return;
            RefuseEnded(context, settings);
        };
    }

    // One dictionary lookup per request, never a call to MiniAuth.
    static void RefuseEnded(TokenValidatedContext context, MiniAuthBearerOptions settings)
    {
        var services = context.HttpContext.RequestServices;
        var list = services.GetRequiredService<RevokedSessionList>();
        if (context.SecurityToken is not JsonWebToken token || !token.TryGetPayloadValue<string>("sid", out var sid))
            context.Fail("The access token names no session (sid).");
        else if (list.Contains(sid))
            context.Fail("The session of this access token has ended.");
        else if (settings.FailClosedAfter is { } allowed && list.IsStale(services.GetRequiredService<TimeProvider>().GetUtcNow(), allowed))
            context.Fail("MiniAuth's revoked-sessions feed has not answered within FailClosedAfter.");
    }

    static bool IsLoopback(string authority) => Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.IsLoopback;
}
