namespace MiniAuth.Auth.Api;

// MiniAuth:OpenApi:Enabled (default false; always on in Development): the document lists every
// route, the admin ones included, which a production service need not tell strangers.
public sealed class OpenApiOptions
{
    public const string Section = "MiniAuth:OpenApi";

    public bool Enabled { get; set; }
}

public static class OpenApiEndpoint
{
    public static IEndpointConventionBuilder MapOpenApiDocument(this WebApplication app) =>
        app.MapOpenApi().AddEndpointFilter(async (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            var enabled = services.GetRequiredService<IOptions<OpenApiOptions>>().Value.Enabled
                || services.GetRequiredService<IHostEnvironment>().IsDevelopment();
            return enabled ? await next(context) : TypedResults.NotFound();
        });
}
