using Microsoft.AspNetCore.Hosting;

namespace MiniAuth.Tests;

// The OpenAPI document lists every route, the admin ones too: off in production unless asked for.
public class OpenApiDocumentTests
{
    sealed class ProductionApp(Dictionary<string, string?>? settings = null) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        readonly string _path = AccountTestHelpers.NewDatabasePath();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("MiniAuth:Storage:Path", _path);
            foreach (var (key, value) in settings ?? []) builder.UseSetting(key, value);
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await StoreRelease.WaitAsync(_path);
            AccountTestHelpers.DeleteDatabase(_path);
        }
    }

    [Fact]
    public async Task InProductionTheDocumentIsNotServed()
    {
        await using var app = new ProductionApp();
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("not_found", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task InProductionOpenApiEnabledServesIt()
    {
        await using var app = new ProductionApp(new() { ["MiniAuth:OpenApi:Enabled"] = "true" });
        var response = await app.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.JsonAsync()).TryGetProperty("paths", out _));
    }
}
