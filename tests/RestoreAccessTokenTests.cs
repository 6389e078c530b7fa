namespace MiniAuth.Tests;

// POST /auth/restoreAccessToken: cookie or header in, a rotated refresh token out the same way,
// the session's expiry sliding, and its failure answers. The rotation rules (grace, reuse) are
// in RefreshRotationTests.
public class RestoreAccessTokenTests
{
    [Fact]
    public async Task RestoreWithTheCookieRotatesTheRefreshTokenIntoANewCookie()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        app.Time.Advance(TimeSpan.FromMinutes(5));

        var response = await client.RestoreWithCookieAsync(login.Refresh);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var restored = await HttpHelpers.ReadLoginAsync(response);
        Assert.Null(restored.RefreshToken);
        Assert.NotEqual(HttpHelpers.Claims(login.Refresh).GetProperty("jti").GetString(), HttpHelpers.Claims(restored.Refresh).GetProperty("jti").GetString());
        Assert.Equal(HttpHelpers.Claims(login.Refresh).GetProperty("sid").GetString(), HttpHelpers.Claims(restored.Refresh).GetProperty("sid").GetString());
        Assert.True(restored.Cookie!.HttpOnly);
        Assert.Equal(app.RefreshTokenLifetime, restored.Cookie.MaxAge);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(restored.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task RestoreWithTheAuthorizationHeaderReturnsTheRotatedTokenInTheBody()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var response = await client.RestoreWithBearerAsync(login.Refresh);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var restored = await HttpHelpers.ReadLoginAsync(response);
        Assert.NotNull(restored.RefreshToken);
        Assert.Null(restored.Cookie);
        Assert.NotEqual(login.Refresh, restored.RefreshToken);
    }

    [Fact]
    public async Task RestoreSlidesTheSessionExpiry()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        app.Time.Advance(TimeSpan.FromDays(10));

        var restored = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));

        var expected = app.Time.GetUtcNow() + app.RefreshTokenLifetime;
        Assert.Equal(expected.ToUnixTimeSeconds(), HttpHelpers.Claims(restored.Refresh).GetProperty("exp").GetInt64());
        app.Time.Advance(TimeSpan.FromDays(10));
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(restored.Refresh)).StatusCode);
    }

    [Fact]
    public async Task RestoreAccessTokenRejectsTheRefreshTokenTheSecondItExpires()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var first = await client.SignUpAndLoginAsync(delivery: "body");
        var second = await client.LoginAsync(HttpHelpers.Claims(first.AccessToken).GetProperty("email").GetString()!, delivery: "body");

        app.Time.Advance(app.RefreshTokenLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(first.Refresh)).StatusCode);

        app.Time.Advance(TimeSpan.FromSeconds(2));
        var problem = await (await client.RestoreWithBearerAsync(second.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AFailedRestoreWithTheCookieSendsTheCookieBackExpired()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().RestoreWithCookieAsync("not-a-token");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var cookie = HttpHelpers.RefreshCookie(response)!;
        Assert.True(cookie.Expires < DateTimeOffset.UnixEpoch.AddDays(1));
        Assert.Equal("/", cookie.Path.Value);
    }

    [Fact]
    public async Task RestoreWithoutAnyRefreshTokenIs401()
    {
        await using var app = new MiniAuthApp();

        var problem = await (await app.NewClient().PostAsync("/auth/restoreAccessToken", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("No refresh token", problem.GetProperty("detail").GetString());
    }
}
