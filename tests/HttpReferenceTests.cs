using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MiniAuth.Tests;

// docs/http-api.md is the HTTP reference in the repository. Each route is written there in
// backticks as "`METHOD /path`", the path exactly as the app maps it (route parameters in
// braces), so a route added without its documentation fails here.
public class HttpReferenceTests
{
    [Fact]
    public async Task EveryRouteTheAppMapsIsInTheHttpReference()
    {
        await using var app = new MiniAuthApp();
        // The host is built when the first client is made.
        app.NewClient();
        var reference = HttpReference();

        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => $"{method} {Normalize(endpoint.RoutePattern.RawText)}"))
            .Distinct()
            .ToList();

        Assert.NotEmpty(routes);
        var missing = routes.Where(route => !reference.Contains($"`{route}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "docs/http-api.md does not document: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task TheOpenApiDocumentAndTheHttpReferenceAgree()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:OpenApi:Enabled"] = "true" });
        var reference = HttpReference();

        var response = await app.NewClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.JsonAsync();

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("responses", out _))
                .Select(operation => (
                    Route: $"{operation.Name.ToUpperInvariant()} {Normalize(path.Name)}",
                    Id: operation.Value.TryGetProperty("operationId", out var id) ? id.GetString() : null)))
            .ToList();

        Assert.NotEmpty(operations);
        // The route, and on one of its lines (its table row) the document's operationId.
        var lines = reference.Split('\n');
        var missing = operations
            .Where(operation => !lines.Any(line => line.Contains($"`{operation.Route}`", StringComparison.Ordinal)
                && (operation.Id is null || line.Contains($"`{operation.Id}`", StringComparison.Ordinal))))
            .Select(operation => $"{operation.Route} ({operation.Id})")
            .ToList();
        Assert.True(missing.Count == 0, "docs/http-api.md does not document these operations of /openapi/v1.json: " + string.Join(", ", missing));
    }

    // A leading '/', and no trailing '/' except for the root.
    static string Normalize(string? path) => "/" + (path ?? "").Trim('/');

    static string HttpReference()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "MiniAuth.csproj"))) folder = folder.Parent;
        Assert.True(folder is not null, $"No folder above {AppContext.BaseDirectory} holds MiniAuth.csproj.");
        var path = Path.Combine(folder.FullName, "docs", "http-api.md");
        Assert.True(File.Exists(path), $"{path} does not exist.");
        return File.ReadAllText(path);
    }
}
