namespace MiniAuth.Tests;

// POST /auth/logout: ends the one session named by its refresh cookie, header or access token.
public class LogoutTests
{
    [Fact]
    public async Task LogoutWithTheCookieEndsTheSessionAndItsAccessTokensAtOnce()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        request.Headers.Add("Cookie", $"{HttpHelpers.RefreshCookieName}={login.Refresh}");

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
