namespace MiniAuth.Auth.Accounts;

public static class AccountServices
{
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddValidatedOptions<SignupOptions>(SignupOptions.Section);
        return services;
    }
}
