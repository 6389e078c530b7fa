using MiniAuth.Storage;

namespace MiniAuth.Auth.Audit;

public static class AuditServices
{
    // The events are logged (AuditTrail) and, through AuditEventLogger, stored (AuditWriter).
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AuditQueue>();
        services.AddSingleton<AuditEventLogger>();
        services.AddSingleton<ILoggerProvider>(provider => provider.GetRequiredService<AuditEventLogger>());
        // Rules of this provider alone: every level of the audit category, nothing else. A rule
        // naming a provider beats Logging:LogLevel, so an operator's quieter log keeps the trail whole.
        services.Configure<LoggerFilterOptions>(filters =>
        {
            filters.AddFilter<AuditEventLogger>(null, LogLevel.None);
            filters.AddFilter<AuditEventLogger>(AuditTrail.Category, LogLevel.Trace);
        });
        services.AddSingleton<AuditWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<AuditWriter>());
        services.AddValidatedOptions<AuditOptions>(AuditOptions.Section);
        services.AddOptions<AuditRetentionOptions>().Configure<IOptions<AuditOptions>>((retention, audit) =>
            retention.Keep = audit.Value.Retention);
        return services;
    }
}
