namespace MiniAuth.Auth.Passwords;

public static class PasswordServices
{
    public static IServiceCollection AddPasswords(this IServiceCollection services)
    {
        services.AddValidatedOptions<PasswordHashingOptions>(PasswordHashingOptions.Section);
        services.AddValidatedOptions<PasswordPolicyOptions>(PasswordPolicyOptions.Section);
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<CommonPasswords>();
        return services;
    }
}
