namespace MiniAuth.Tests;

// GET /sessions, DELETE /sessions/{id} and DELETE /sessions: a user's own sessions, listed and ended.
public class SessionsApiTests
{
    [Fact]
    public async Task ListSessionsShowsEachLoginWithDeviceAddressTimesAndWhichIsCurrent()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var phone = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: "203.0.113.7", userAgent: "PhoneApp/1.0"));
        app.Time.Advance(TimeSpan.FromMinutes(5));
        var laptop = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: "198.51.100.23", userAgent: "Laptop/2.0"));

        var sessions = await client.ListSessionsAsync(laptop.AccessToken);

        Assert.Equal(2, sessions.Length);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal(laptop.SessionId(), current.GetProperty("id").GetString());
        Assert.Equal("198.51.100.23", current.GetProperty("ipAddress").GetString());
        Assert.Equal("Laptop/2.0", current.GetProperty("userAgent").GetString());
        Assert.Equal(MiniAuthApp.Epoch.AddMinutes(5), current.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(MiniAuthApp.Epoch.AddMinutes(5), current.GetProperty("lastUsedAt").GetDateTimeOffset());
        Assert.Equal(MiniAuthApp.Epoch.AddMinutes(5) + app.RefreshTokenLifetime, current.GetProperty("expiresAt").GetDateTimeOffset());
        var other = Assert.Single(sessions, s => !s.GetProperty("current").GetBoolean());
        Assert.Equal(phone.SessionId(), other.GetProperty("id").GetString());
        Assert.Equal("203.0.113.7", other.GetProperty("ipAddress").GetString());
        Assert.Equal("PhoneApp/1.0", other.GetProperty("userAgent").GetString());
    }

    [Fact]
    public async Task ListSessionsShowsLastUseAfterARefreshAndLeavesOutEndedSessions()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var first = await client.LoginAsync(email);
        var second = await client.LoginAsync(email);
        var third = await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, $"/sessions/{first.SessionId()}", third.AccessToken)).StatusCode);
        app.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithCookieAsync(second.Refresh)).StatusCode);

        var sessions = await client.ListSessionsAsync(third.AccessToken);

        Assert.Equal([second.SessionId(), third.SessionId()], sessions.Select(s => s.GetProperty("id").GetString()));
        Assert.Equal(MiniAuthApp.Epoch.AddMinutes(10), sessions[0].GetProperty("lastUsedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task RevokeSessionEndsThatSessionAndItsTokensAreToldWhy()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var stolen = await client.LoginAsync(email);
        var mine = await client.LoginAsync(email);

        var response = await client.SendAsync(HttpMethod.Delete, $"/sessions/{stolen.SessionId()}", mine.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("The session was ended: revoked by user.", await client.RefusedDetailAsync(stolen.AccessToken));
        var refresh = await (await client.RestoreWithCookieAsync(stolen.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The session was ended: revoked by user.", refresh.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(mine.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task RevokeSessionReturns404ForAnotherUsersSessionAndLeavesItAlone()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var victim = await client.SignUpAndLoginAsync();
        var attacker = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(HttpMethod.Delete, $"/sessions/{victim.SessionId()}", attacker.AccessToken);
        var unknown = await client.SendAsync(HttpMethod.Delete, "/sessions/no-such-session", attacker.AccessToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        var unknownProblem = await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(unknownProblem.GetProperty("detail").GetString(), problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(victim.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithCookieAsync(victim.Refresh)).StatusCode);
    }

    [Fact]
    public async Task RevokingAnAlreadyEndedSessionAgainIsStill204()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var old = await client.LoginAsync(email);
        var mine = await client.LoginAsync(email);

        var first = await client.SendAsync(HttpMethod.Delete, $"/sessions/{old.SessionId()}", mine.AccessToken);
        var again = await client.SendAsync(HttpMethod.Delete, $"/sessions/{old.SessionId()}", mine.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal("The session was ended: revoked by user.", await client.RefusedDetailAsync(old.AccessToken));
    }

    [Fact]
    public async Task RevokeSessionOfTheCurrentSessionEndsItAndClearsTheCookie()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(HttpMethod.Delete, $"/sessions/{login.SessionId()}", login.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True(HttpHelpers.RefreshCookie(response)!.Expires < DateTimeOffset.UnixEpoch.AddYears(1));
        Assert.Equal("The session was ended: revoked by user.", await client.RefusedDetailAsync(login.AccessToken));
    }

    [Fact]
    public async Task RevokeAllSessionsEndsEverySessionOfTheCallerCurrentIncludedAndNoOneElses()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var a = await client.LoginAsync(email);
        var b = await client.LoginAsync(email, delivery: "body");
        var someoneElse = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(HttpMethod.Delete, "/sessions", b.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("The session was ended: revoked by user.", await client.RefusedDetailAsync(a.AccessToken));
        Assert.Equal("The session was ended: revoked by user.", await client.RefusedDetailAsync(b.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync(b.Refresh)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(someoneElse.AccessToken)).StatusCode);
        var fresh = await client.LoginAsync(email);
        Assert.Single(await client.ListSessionsAsync(fresh.AccessToken));
    }

    [Theory]
    [InlineData("GET", "/sessions")]
    [InlineData("DELETE", "/sessions")]
    [InlineData("DELETE", "/sessions/some-id")]
    public async Task SessionRoutesRequireAnAccessToken(string method, string url)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var refresh = (await client.SignUpAndLoginAsync(delivery: "body")).Refresh;

        var none = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
        var refreshAsBearer = await client.SendAsync(new HttpMethod(method), url, refresh);

        await none.AssertProblemAsync(HttpStatusCode.Unauthorized);
        await refreshAsBearer.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
