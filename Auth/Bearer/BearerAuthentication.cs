using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Bearer;

// Whether an access token is accepted on this service's own routes, all of it here: stock
// JwtBearer with TokenService's validation rules, the verified-token cache as its handler, the
// kid of another instance's new key learned before validation, the session checked after it,
// and the reason for a 401 kept for the problem detail.
public static class BearerAuthentication
{
    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<VerifiedTokenCache>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        WithoutDataProtectionWarmUp(services);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenService, TimeProvider, VerifiedTokenCache>((bearer, tokens, time, verified) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenHandlers.Clear();
                bearer.TokenHandlers.Add(verified);
                bearer.TokenValidationParameters = tokens.AccessTokenParameters;
                bearer.TimeProvider = time;
                bearer.Events = new JwtBearerEvents
                {
                    OnMessageReceived = LearnKidOfBearerAsync,
                    OnTokenValidated = RequireLiveSessionAsync,
                    OnChallenge = AccessTokenFailure.RememberForProblemDetails,
                };
            });
        services.AddAuthorization();
        return services;
    }

    // AddAuthentication brings ASP.NET Core Data Protection along for cookie schemes. Bearer tokens
    // never use it, but its hosted service loads the key ring at start: it creates a key ring in
    // the service account's home, unencrypted, with a warning, that nothing here ever reads.
    // Without the warm-up nothing asks for Data Protection, so no key ring is made at all.
    static void WithoutDataProtectionWarmUp(IServiceCollection services)
    {
        const string warmUp = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == warmUp).ToList())
            services.Remove(descriptor);
    }

    // JwtBearer resolves keys synchronously: learn the token's kid before it validates.
    static async Task LearnKidOfBearerAsync(MessageReceivedContext context)
    {
        if (SigningKeyRing.KidOf(BearerToken.From(context.HttpContext)) is not { } kid) return;
        var ring = context.HttpContext.RequestServices.GetRequiredService<SigningKeyRing>();
        if (!ring.Knows(kid)) await ring.LearnAsync(kid, context.HttpContext.RequestAborted);
    }

    // Access tokens die with their session on this service's own routes: one lookup by id, as of
    // the request's checkpoint (SessionCheckpoints).
    static async Task RequireLiveSessionAsync(TokenValidatedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var sessionId = context.Principal?.FindFirst(JwtRegisteredClaimNames.Sid)?.Value;
        var userId = context.Principal?.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (sessionId is null || userId is null)
        {
            context.Fail(new SecurityTokenValidationException("The access token names no session."));
            return;
        }

        var checkpoint = await SessionCheckpoints.Of(context.HttpContext);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var ended = await services.GetRequiredService<SessionIssuer>()
            .CheckAccessAsync(sessionId, userId, checkpoint, now, context.HttpContext.RequestAborted);
        if (ended is not null) context.Fail(new SessionEndedException(ended));
    }
}
