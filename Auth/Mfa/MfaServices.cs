namespace MiniAuth.Auth.Mfa;

public static class MfaServices
{
    // TOTP secrets' encryption, the second factors' checks, the MFA tokens of logins.
    public static IServiceCollection AddMfa(this IServiceCollection services) => services
        .AddSingleton<TotpSecretProtector>()
        .AddSingleton<SecondFactors>()
        .AddSingleton<MfaMethods>()
        .AddSingleton<MfaLoginTokens>()
        .AddSingleton<MfaSignIn>();
}
