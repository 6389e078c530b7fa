namespace MiniAuth.Auth.Accounts;

public static class AccountServices
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddValidatedOptions<SignupOptions>(SignupOptions.Section);
        services.AddSingleton<Invites>();
        services.AddSingleton<SignupControl>();
        return services;
    }
}
