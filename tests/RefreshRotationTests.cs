using MiniAuth.Storage;

namespace MiniAuth.Tests;

public class RefreshRotationTests
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
    public async Task TheJustReplacedTokenWithinTheGraceGetsTheSameCurrentTokenAndTheSessionLives()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var first = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        app.Time.Advance(app.RefreshReuseGrace - TimeSpan.FromSeconds(1));
        var late = await client.RestoreWithBearerAsync(login.Refresh);

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var second = await HttpHelpers.ReadLoginAsync(late);
        Assert.Equal(HttpHelpers.Claims(first.Refresh).GetProperty("jti").GetString(), HttpHelpers.Claims(second.Refresh).GetProperty("jti").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(first.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(second.Refresh)).StatusCode);
    }

    [Fact]
    public async Task TheJustReplacedTokenAfterTheGraceIsReuseAndEndsTheWholeSession()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var rotated = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));

        app.Time.Advance(app.RefreshReuseGrace + TimeSpan.FromSeconds(1));
        var problem = await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("reuse", problem.GetProperty("detail").GetString());
        // The newest token and the access tokens of the session die with it.
        await (await client.RestoreWithBearerAsync(rotated.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var profile = await client.FetchProfileAsync(rotated.AccessToken);
        var denied = await profile.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer error=\"invalid_token\"", profile.Headers.WwwAuthenticate.ToString());
        Assert.Contains("reuse", denied.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ATokenTwoRotationsOldIsReuseEvenWithinTheGrace()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var second = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        var third = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(second.Refresh));

        await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await (await client.RestoreWithBearerAsync(third.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ReuseEndsOnlyTheSessionItCameFrom()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var stolen = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        var otherDevice = await client.LoginAsync(email, delivery: "body");
        await client.RestoreWithBearerAsync(stolen.Refresh);
        app.Time.Advance(app.RefreshReuseGrace + TimeSpan.FromSeconds(1));

        await client.RestoreWithBearerAsync(stolen.Refresh);

        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(otherDevice.Refresh)).StatusCode);
    }

    [Fact]
    public async Task ConcurrentRestoresOfOneTokenAllSucceedWithOneBranch()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.RestoreWithBearerAsync(login.Refresh)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var restored = await Task.WhenAll(responses.Select(HttpHelpers.ReadLoginAsync));
        var jtis = restored.Select(r => HttpHelpers.Claims(r.Refresh).GetProperty("jti").GetString()).Distinct().ToList();
        Assert.Single(jtis);
        var sid = HttpHelpers.Claims(login.Refresh).GetProperty("sid").GetString()!;
        Assert.Equal(jtis[0], (await app.Get<ISessionStore>().FindAsync(sid, default))!.CurrentJti);
    }

    [Fact]
    public async Task AFailedRestoreWithTheCookieSendsTheCookieBackExpired()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().RestoreWithCookieAsync("not-a-token");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        var cookie = HttpHelpers.RefreshCookie(response)!;
        Assert.True(cookie.Expires < DateTimeOffset.UnixEpoch.AddDays(1));
        Assert.Equal("/auth", cookie.Path.Value);
    }

    [Fact]
    public async Task RestoreWithoutAnyRefreshTokenIs401()
    {
        await using var app = new MiniAuthApp();

        var problem = await (await app.NewClient().PostAsync("/auth/restoreAccessToken", null)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("No refresh token", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task LogoutWithTheCookieEndsTheSessionAndItsAccessTokensAtOnce()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        request.Headers.Add("Cookie", $"refresh_token={login.Refresh}");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(HttpHelpers.RefreshCookie(response)!.Expires < DateTimeOffset.UnixEpoch.AddDays(1));
        var profile = await client.FetchProfileAsync(login.AccessToken);
        var problem = await profile.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer error=\"invalid_token\"", profile.Headers.WwwAuthenticate.ToString());
        Assert.Contains("logout", problem.GetProperty("detail").GetString());
        await (await client.RestoreWithCookieAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task LogoutWithTheAccessTokenEndsItsSession()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var response = await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", login.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
    }

    [Fact]
    public async Task LogoutWithoutCredentialsOrTwiceIsStill204AndClearsTheCookie()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var anonymous = await client.PostAsync("/auth/logout", null);
        var first = await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", login.Refresh);
        var again = await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", login.Refresh);
        var garbage = await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", "garbage");

        foreach (var response in new[] { anonymous, first, again, garbage })
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.NotNull(HttpHelpers.RefreshCookie(response));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
    }

    [Fact]
    public async Task LogoutLeavesTheUsersOtherSessionsAlone()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var phone = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        var laptop = await client.LoginAsync(email, delivery: "body");

        await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", phone.AccessToken);

        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(laptop.AccessToken)).StatusCode);
    }
}
