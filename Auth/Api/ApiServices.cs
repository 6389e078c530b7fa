using System.Text.Json;
using System.Text.Json.Serialization;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

public static class ApiServices
{
    // What the route groups need from the framework: problem+json for every failure (store
    // outages as 503), enums as camelCase strings, the per-client limit, /health and OpenAPI.
    public static IServiceCollection AddMiniAuthApi(this IServiceCollection services)
    {
        services.AddMiniAuthProblemDetails();
        services.AddExceptionHandler<StoreOutageHandler>();
        services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false)));
        services.AddRateLimiter(PerClientLimit.Configure);
        services.AddStoreHealthChecks();
        services.AddValidatedOptions<OpenApiOptions>(OpenApiOptions.Section);
        services.AddOpenApi();
        return services;
    }
}
