namespace MiniAuth.Auth.Audit;

public static class AuditServices
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services) =>
        services.AddSingleton<AuditTrail>();
}
