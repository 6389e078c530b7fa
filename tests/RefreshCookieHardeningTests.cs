using Microsoft.Extensions.Options;

namespace MiniAuth.Tests;

// The refresh cookie no other site can plant or shadow, accepted only from exact origins.
public class RefreshCookieHardeningTests
{
    const string Name = "__Host-refresh_token";

    static HttpRequestMessage Restore(string cookieHeader, string? origin = null, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken");
        request.Headers.Add("Cookie", cookieHeader);
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        return request;
    }

    [Fact]
    public async Task LoginSetsAHostPrefixedCookieForTheWholeSite()
    {
        await using var app = new MiniAuthApp();
        var login = await app.NewClient().SignUpAndLoginAsync();
        var cookie = HttpHelpers.RefreshCookie(login.Response, Name)!;
        Assert.Equal("/", cookie.Path.Value);
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.False(cookie.Domain.HasValue);
    }

    [Fact]
    public async Task TwoRefreshCookiesOfOneNameAreRefusedAndCleared()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var victim = await client.SignUpAndLoginAsync();
        var planted = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(Restore($"{Name}={planted.Refresh}; {Name}={victim.Refresh}"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_token", problem.GetProperty("code").GetString());
        Assert.True(HttpHelpers.RefreshCookie(response, Name)!.Expires < DateTimeOffset.UnixEpoch.AddDays(1));
        // Neither session was touched: each still restores alone.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Restore($"{Name}={victim.Refresh}"))).StatusCode);
    }

    [Theory]
    [InlineData("http://localhost")]
    [InlineData("https://localhost:9999")]
    [InlineData("http://127.0.0.1:9999")]
    public async Task AnOriginOfTheRightHostButAnotherSchemeOrPortIsRefused(string origin)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(Restore($"{Name}={login.Refresh}", origin, fetchSite: "same-origin"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("foreign_origin", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task WithPublicUrlOnlyItsOriginCountsAsTheServicesOwn()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:PublicUrl"] = "https://auth.example.test" });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Restore($"{Name}={login.Refresh}", "https://auth.example.test"))).StatusCode);
        var rotated = HttpHelpers.RefreshCookie(await client.SendAsync(Restore($"{Name}={login.Refresh}", "https://auth.example.test")), Name);
        // The request's own host (localhost) is not the public origin.
        await (await client.SendAsync(Restore($"{Name}={rotated!.Value.Value}", "https://localhost"))).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AHostPrefixedCookieWithAnotherPathStopsTheStartNamingTheKey()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:Cookie:Path"] = "/auth" });
        var error = Assert.IsType<OptionsValidationException>(Record.Exception(() => app.NewClient()));
        Assert.Contains("MiniAuth:Cookie:Path", error.Message);
    }

    [Fact]
    public async Task ANameThatDiffersOnlyInCaseIsNeverOurCookieAndBesideOursIsADuplicate()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var victim = await client.SignUpAndLoginAsync();
        var planted = await client.SignUpAndLoginAsync();

        // Browsers that check the prefix case-sensitively let a sibling subdomain set this one.
        var alone = await client.SendAsync(Restore($"__HOST-refresh_token={planted.Refresh}"));
        Assert.Equal("invalid_token", (await alone.AssertProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Restore($"{Name}={planted.Refresh}"))).StatusCode);

        var beside = await client.SendAsync(Restore($"{Name}={victim.Refresh}; __HOST-refresh_token=x"));
        Assert.Equal("invalid_token", (await beside.AssertProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("code").GetString());
    }
}
