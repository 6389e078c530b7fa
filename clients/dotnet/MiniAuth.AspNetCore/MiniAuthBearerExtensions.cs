using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MiniAuth.AspNetCore;

public static class MiniAuthBearerExtensions
{
    public const string HealthCheckName = "miniauth_revocation";

    // services.AddAuthentication().AddMiniAuthBearer("https://auth.example.com", o => o.Audience = "…")
    public static AuthenticationBuilder AddMiniAuthBearer(this AuthenticationBuilder builder, string authority,
        Action<MiniAuthBearerOptions>? configure = null) =>
        builder.AddMiniAuthBearer(options =>
        {
            options.Authority = authority;
            configure?.Invoke(options);
        });

    // Options from configuration instead: AddMiniAuthBearer() and
    // services.AddOptions<MiniAuthBearerOptions>(JwtBearerDefaults.AuthenticationScheme).BindConfiguration("…").
    public static AuthenticationBuilder AddMiniAuthBearer(this AuthenticationBuilder builder, Action<MiniAuthBearerOptions>? configure = null)
    {
        const string scheme = JwtBearerDefaults.AuthenticationScheme;
        var services = builder.Services;
        var options = services.AddOptions<MiniAuthBearerOptions>(scheme).ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.Authority, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http",
                "MiniAuthBearerOptions.Authority must be MiniAuth's absolute http(s) base address.")
            .Validate(o => o.FailClosedAfter is not { } after || after >= o.PollInterval,
                "MiniAuthBearerOptions.FailClosedAfter must be at least PollInterval.")
            .Validate(o => o.KeyRefreshInterval >= TimeSpan.FromMinutes(5),
                "MiniAuthBearerOptions.KeyRefreshInterval must be at least 00:05:00.")
            .ValidateOnStart();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, MiniAuthJwtBearerSetup>());
        builder.AddJwtBearer(scheme, _ => { });

        services.TryAddSingleton<RevokedSessionList>();
        services.AddHostedService(provider => ActivatorUtilities.CreateInstance<RevokedSessionsPoller>(provider, scheme));
        services.AddHealthChecks().Add(new HealthCheckRegistration(HealthCheckName,
            provider => ActivatorUtilities.CreateInstance<RevocationHealthCheck>(provider, scheme), failureStatus: null, tags: ["miniauth"]));
        return builder;
    }
}
