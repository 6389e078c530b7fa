using Microsoft.AspNetCore.Authorization;

namespace MiniAuth.Auth.Admin;

public static class AdminServices
{
    // The configured admin account (seeded before the first request), the admin socket of a
    // LiteDB store, and the admin policy.
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddValidatedOptions<AdminOptions>(AdminOptions.Section);
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddHostedService<AdminSeeder>();
        services.AddHostedService<AdminSocketServer>();
        services.AddSingleton<IAuthorizationHandler, StoredAdminRoleHandler>();
        services.AddAuthorizationBuilder().AddPolicy(AdminRole.Policy, policy => policy
            .RequireAuthenticatedUser()
            .AddRequirements(new StoredAdminRole()));
        return services;
    }
}
