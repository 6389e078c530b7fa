using MiniAuth.Auth.Audit;
using MiniAuth.Storage;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MiniAuth.Auth.Metrics;

// OpenTelemetry meters ("MiniAuth", "MiniAuth.Storage") exported in Prometheus text at /metrics,
// when MiniAuth:Metrics:Enabled. Off, the route is not mapped (404) and no meter is listened to.
public static class MetricsServices
{
    public static IServiceCollection AddMiniAuthMetrics(this IServiceCollection services)
    {
        services.AddValidatedOptions<MetricsOptions>(MetricsOptions.Section);
        services.AddOptions<StoreMetricsOptions>().Configure<IOptions<MetricsOptions>>((store, metrics) =>
            store.Enabled = metrics.Value.Enabled);
        services.AddMetrics();
        services.AddSingleton<MiniAuthMetrics>();
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<LiveSessions>(provider,
            (Func<ISessionCounter>)provider.GetRequiredService<ISessionCounter>));
        services.AddSingleton<AuditMetrics>();
        services.AddSingleton<ILoggerProvider>(provider => provider.GetRequiredService<AuditMetrics>());
        // As for AuditEventLogger: every audit event, whatever the operator's log levels.
        services.Configure<LoggerFilterOptions>(filters =>
        {
            filters.AddFilter<AuditMetrics>(null, LogLevel.None);
            filters.AddFilter<AuditMetrics>(AuditTrail.Category, LogLevel.Trace);
        });
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("miniauth"))
            // Every scrape reads the counters as they are now (the exporter caches 300 ms by default).
            .WithMetrics(metrics => metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        services.ConfigureOpenTelemetryMeterProvider((provider, builder) =>
        {
            if (!provider.GetRequiredService<IOptions<MetricsOptions>>().Value.Enabled) return;
            // The gauge exists once its owner does.
            provider.GetRequiredService<LiveSessions>();
            builder.AddMeter(MiniAuthMetrics.MeterName, StoreMetrics.MeterName);
        });
        return services;
    }

    public static void MapMetricsApi(this WebApplication app)
    {
        MetricsOptions options;
        try
        {
            options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            // A bad setting: the start's validation names it in one line, right after this.
            return;
        }
        if (!options.Enabled) return;
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: options.Port is { } port
            ? branch => branch.Use((context, next) =>
            {
                // The local port the connection came in on, not the Host header a client writes.
                if (context.Connection.LocalPort == port) return next(context);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            })
            : null, optionsName: null)
            .WithName("metrics")
            .ExcludeFromDescription();
    }
}
