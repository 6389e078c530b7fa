using Microsoft.Extensions.DependencyInjection;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// What the access token of an ended session is told in its 401: logout, reuse, expiry, revoked,
// and for how long the reason is kept.
public class SessionEndReasonTests
{
    [Fact]
    public async Task LogoutIsTheReasonGivenToTheSessionsAccessToken()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.Add("Cookie", $"{HttpHelpers.RefreshCookieName}={login.Refresh}");

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout)).StatusCode);

        Assert.Equal("The session was ended: logout.", await client.RefusedDetailAsync(login.AccessToken));
    }

    [Fact]
    public async Task ReuseDetectionIsTheReasonGivenToTheSessionsAccessToken()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var rotated = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        app.Time.Advance(app.RefreshReuseGrace + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);

        Assert.Equal("The session was ended: refresh token reuse detected.", await client.RefusedDetailAsync(rotated.AccessToken));
    }

    [Fact]
    public async Task AnExpiredSessionIsTheReasonGivenToAnAccessTokenThatOutlivesIt()
    {
        // An access token never outlives its session (its exp is the session's end), but within
        // ClockSkew it is still presented after it: then the session says why.
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:RefreshTokenLifetime"] = "00:01:00",
            ["MiniAuth:ClockSkew"] = "00:00:30",
        });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var claims = HttpHelpers.Claims(login.AccessToken);
        Assert.Equal(claims.GetProperty("iat").GetInt64() + 60, claims.GetProperty("exp").GetInt64());

        app.Time.Advance(TimeSpan.FromSeconds(61));

        var problem = await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The session has expired.", problem.GetProperty("detail").GetString());
        Assert.Equal("expired", problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ARevokedSessionKeepsItsReasonUntilTheSweeperRemovesIt()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, "/sessions", login.AccessToken)).StatusCode);
        var sweeper = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SessionSweeper>().Single();
        var store = app.Get<ISessionStore>();

        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Equal(RevocationReasons.RevokedByUser, (await store.FindAsync(login.SessionId(), CancellationToken.None))?.RevocationReason);

        app.Time.Advance(app.AccessTokenLifetime + TimeSpan.FromSeconds(1));
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Null(await store.FindAsync(login.SessionId(), CancellationToken.None));
    }
}
