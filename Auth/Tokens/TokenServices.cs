namespace MiniAuth.Auth.Tokens;

public static class TokenServices
{
    // Token lifetimes, the signing keys (loaded before the first request, then re-read), and the
    // service that creates and validates both kinds of token.
    public static IServiceCollection AddTokens(this IServiceCollection services)
    {
        services.AddValidatedOptions<TokenOptions>(TokenOptions.Section);
        services.PostConfigure<TokenOptions>(tokens => tokens.Issuer ??= tokens.PublicBaseUrl ?? "miniauth");
        services.AddValidatedOptions<SigningKeyOptions>(SigningKeyOptions.Section);
        services.AddSingleton<SigningKeyProtector>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<TokenService>();
        services.AddHostedService<SigningKeyLoader>();
        return services;
    }
}
