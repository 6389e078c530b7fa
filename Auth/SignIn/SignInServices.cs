namespace MiniAuth.Auth.SignIn;

public static class SignInServices
{
    public static IServiceCollection AddSignIn(this IServiceCollection services) =>
        services.AddSingleton<PasswordSignIn>();
}
