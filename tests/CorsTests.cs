using Microsoft.Extensions.Options;

namespace MiniAuth.Tests;

// Front ends on other origins: credentials only for the configured allow-list.
public class CorsTests
{
    const string AllowedOrigin = "https://app.example.test";

    static MiniAuthApp AppAllowing(params string[] origins) => new(settings: origins
        .Select((origin, i) => KeyValuePair.Create($"MiniAuth:Cors:AllowedOrigins:{i}", (string?)origin))
        .ToDictionary());

    static HttpRequestMessage Preflight(string origin, string path = "/auth/restoreAccessToken", string method = "POST")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Fact]
    public async Task PreflightFromAnAllowedOriginAllowsCredentialsAndTheBearerHeader()
    {
        await using var app = AppAllowing(AllowedOrigin);
        var response = await app.NewClient().SendAsync(Preflight(AllowedOrigin));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("authorization", Header(response, "Access-Control-Allow-Headers")!, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods")!);
    }

    [Fact]
    public async Task PreflightFromAnotherOriginGetsNoCorsHeaders()
    {
        await using var app = AppAllowing(AllowedOrigin);
        var response = await app.NewClient().SendAsync(Preflight("https://evil.example.test"));

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task WithoutConfiguredOriginsNoOriginIsAllowed()
    {
        await using var app = new MiniAuthApp();
        var response = await app.NewClient().SendAsync(Preflight(AllowedOrigin));

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task A401ToAnAllowedOriginExposesWwwAuthenticate()
    {
        await using var app = AppAllowing(AllowedOrigin);
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        app.Time.Advance(app.AccessTokenLifetime + TimeSpan.FromSeconds(1));

        var request = new HttpRequestMessage(HttpMethod.Get, "/profile");
        request.Headers.Add("Origin", AllowedOrigin);
        request.Headers.Authorization = new("Bearer", login.AccessToken);
        var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", Header(response, "WWW-Authenticate"));
        Assert.Equal(AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("WWW-Authenticate", Header(response, "Access-Control-Expose-Headers")!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task MiniauthJsIsServedToAnAllowedOriginAsAModuleScript()
    {
        await using var app = AppAllowing(AllowedOrigin);
        var request = new HttpRequestMessage(HttpMethod.Get, "/miniauth.js");
        request.Headers.Add("Origin", AllowedOrigin);
        var response = await app.NewClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(AllowedOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("export function createMiniAuth", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheDemoPageIsServedAtTheRootWithAStrictContentSecurityPolicy()
    {
        await using var app = new MiniAuthApp();
        var response = await app.NewClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"demo.js\">", await response.Content.ReadAsStringAsync());
        var policy = Header(response, "Content-Security-Policy");
        Assert.NotNull(policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://*.example.test")]
    [InlineData("https://app.example.test/")]
    [InlineData("https://app.example.test/path")]
    [InlineData("app.example.test")]
    [InlineData("ftp://app.example.test")]
    [InlineData("")]
    public async Task AnOriginThatIsNotAnOriginStopsTheStartNamingTheKey(string origin)
    {
        await using var app = AppAllowing(AllowedOrigin, origin);

        var error = Assert.IsType<OptionsValidationException>(Record.Exception(() => app.NewClient()));

        Assert.Contains("MiniAuth:Cors:AllowedOrigins", error.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5173")]
    [InlineData("https://app.example.test:8443")]
    [InlineData("http://localhost:3000")]
    public async Task AnOriginWithAPortIsAccepted(string origin)
    {
        await using var app = AppAllowing(origin);
        var response = await app.NewClient().SendAsync(Preflight(origin));

        Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
    }
}
