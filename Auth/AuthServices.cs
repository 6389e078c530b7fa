using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

public static class AuthServices
{
    public static IServiceCollection AddMiniAuth(this IServiceCollection services)
    {
        services.AddValidatedOptions<TokenOptions>(TokenOptions.Section);
        services.AddValidatedOptions<RefreshCookieOptions>(RefreshCookieOptions.Section);
        services.AddValidatedOptions<PasswordHashingOptions>(PasswordHashingOptions.Section);
        services.AddValidatedOptions<PasswordPolicyOptions>(PasswordPolicyOptions.Section);
        services.AddValidatedOptions<SigningKeyOptions>(SigningKeyOptions.Section);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<SessionIssuer>();
        services.AddSingleton<RefreshCookie>();
        services.AddSingleton<VerifiedTokenCache>();
        services.AddHostedService<SigningKeyLoader>();

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
                    OnMessageReceived = SigningKeyRing.LearnKidOfBearerAsync,
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

    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    // Access tokens die with their session on this service's own routes: one lookup by id.
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

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var ended = await services.GetRequiredService<SessionIssuer>()
            .CheckAccessAsync(sessionId, userId, now, context.HttpContext.RequestAborted);
        if (ended is not null) context.Fail(new SessionEndedException(ended));
    }
}

public sealed class SessionEndedException(string message) : Exception(message);

// Turns JwtBearer's reason for a 401 into the problem detail; the challenge header stays the
// framework's: a bare "Bearer" without a token, error="invalid_token" with a bad one.
public static class AccessTokenFailure
{
    public static Task RememberForProblemDetails(JwtBearerChallengeContext context)
    {
        context.HttpContext.Items[typeof(AccessTokenFailure)] = context.AuthenticateFailure switch
        {
            null => "An access token is required.",
            SessionEndedException ended => ended.Message,
            _ => "The access token is invalid or has expired.",
        };
        return Task.CompletedTask;
    }

    public static string? Describe(HttpContext http) => http.Items[typeof(AccessTokenFailure)] as string;
}
