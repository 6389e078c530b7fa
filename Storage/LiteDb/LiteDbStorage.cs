namespace MiniAuth.Storage.LiteDb;

public static class LiteDbStorage
{
    public static IServiceCollection AddLiteDbStorage(this IServiceCollection services)
    {
        services.AddSingleton<LiteDbContext>();
        services.AddSingleton<IUserStore, LiteDbUserStore>();
        services.AddSingleton<ISessionStore, LiteDbSessionStore>();
        services.AddSingleton<ISigningKeyStore, LiteDbSigningKeyStore>();
        services.AddSingleton<ILoginFailureStore, LiteDbLoginFailureStore>();
        return services;
    }
}
