namespace MiniAuth.Tests;

// The browser attaches the refresh cookie to any POST, even one a foreign page sends: the cookie
// counts only from the service's own pages, the allowed origins, or clients with no page at all.
public class CrossSiteCookieTests
{
    static HttpRequestMessage WithCookie(string path, string refreshToken, string? origin = null, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Cookie", $"{HttpHelpers.RefreshCookieName}={refreshToken}");
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        return request;
    }

    [Theory]
    [InlineData("https://evil.example", null)]
    [InlineData("https://sibling.localhost.example", null)]
    [InlineData("null", null)]
    [InlineData(null, "cross-site")]
    // The right host with another scheme or port is another origin; Sec-Fetch-Site does not
    // overrule the Origin it comes with.
    [InlineData("http://localhost:8080", null)]
    [InlineData("https://elsewhere.example", "same-origin")]
    public async Task ACookieSentByAForeignPageIsRefusedAndTheSessionIsUntouched(string? origin, string? fetchSite)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var restore = await client.SendAsync(WithCookie("/auth/restoreAccessToken", login.Refresh, origin, fetchSite));
        var logout = await client.SendAsync(WithCookie("/auth/logout", login.Refresh, origin, fetchSite));

        await restore.AssertProblemAsync(HttpStatusCode.Forbidden);
        await logout.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Null(HttpHelpers.RefreshCookie(logout));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithCookieAsync(login.Refresh)).StatusCode);
    }

    [Theory]
    [InlineData("https://localhost", null)]
    [InlineData("https://localhost", "same-origin")]
    [InlineData("https://app.example.test", null)]
    public async Task ACookieFromTheServicesOwnHostOrAnAllowedOriginIsAccepted(string origin, string? fetchSite)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:Cors:AllowedOrigins:0"] = "https://app.example.test",
        });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var restore = await client.SendAsync(WithCookie("/auth/restoreAccessToken", login.Refresh, origin, fetchSite));

        Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        var rotated = await HttpHelpers.ReadLoginAsync(restore);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(WithCookie("/auth/logout", rotated.Refresh, origin, fetchSite))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(rotated.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task TokenAndProfileResponsesAreNeverCached()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        Assert.Equal("no-store", login.Response.Headers.CacheControl?.ToString());
        Assert.Equal("no-store", (await client.RestoreWithCookieAsync(login.Refresh)).Headers.CacheControl?.ToString());
        Assert.Equal("no-store", (await client.FetchProfileAsync(login.AccessToken)).Headers.CacheControl?.ToString());
    }
}
