namespace MiniAuth.Auth.Passkeys;

public static class PasskeyServices
{
    public static IServiceCollection AddPasskeys(this IServiceCollection services)
    {
        services.AddValidatedOptions<PasskeyOptions>(PasskeyOptions.Section);
        services.AddSingleton<IValidateOptions<PasskeyOptions>, PasskeyOptionsValidator>();
        services.AddSingleton<PasskeyRelyingParty>();
        services.AddSingleton<PasskeyChallenges>();
        services.AddSingleton<PasskeyRegistration>();
        services.AddSingleton<PasskeyVerifier>();
        services.AddSingleton<PasskeyRemoval>();
        return services;
    }
}
