using Microsoft.Extensions.Options;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// A session slides with each restore, but never past its absolute lifetime, and a user holds a
// bounded number of live sessions.
public class SessionLifetimeTests
{
    [Fact]
    public async Task RestoresSlideTheSessionButNeverPastMaxSessionLifetime()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:RefreshTokenLifetime"] = "14.00:00:00",
            ["MiniAuth:MaxSessionLifetime"] = "20.00:00:00",
        });
        var client = app.NewClient();
        var start = app.Time.GetUtcNow();
        var login = await client.SignUpAndLoginAsync();
        Assert.Equal(start.AddDays(14).ToUnixTimeSeconds(), HttpHelpers.Claims(login.Refresh).GetProperty("exp").GetInt64());

        // Ten days on, a restore would slide to day 24: the cap holds it at day 20, in the
        // refresh token, the cookie and the session list.
        app.Time.Advance(TimeSpan.FromDays(10));
        var restored = await client.RestoreWithCookieAsync(login.Refresh);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var cookie = HttpHelpers.RefreshCookie(restored)!;
        Assert.Equal(TimeSpan.FromDays(10), cookie.MaxAge);
        Assert.Equal(start.AddDays(20).ToUnixTimeSeconds(), HttpHelpers.Claims(cookie.Value.Value!).GetProperty("exp").GetInt64());
        var access = (await restored.JsonAsync()).GetProperty("accessToken").GetString()!;
        var session = Assert.Single(await client.ListSessionsAsync(access));
        Assert.Equal(start.AddDays(20), session.GetProperty("expiresAt").GetDateTimeOffset());

        // Half an hour before the end an access token lives half an hour, not its full hour.
        app.Time.Advance(TimeSpan.FromDays(10) - TimeSpan.FromMinutes(30));
        var late = await client.RestoreWithCookieAsync(cookie.Value.Value!);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var lateBody = await late.JsonAsync();
        Assert.Equal(1800, lateBody.GetProperty("expiresIn").GetInt32());
        Assert.Equal(start.AddDays(20).ToUnixTimeSeconds(),
            HttpHelpers.Claims(lateBody.GetProperty("accessToken").GetString()!).GetProperty("exp").GetInt64());

        app.Time.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        var ended = await client.RestoreWithCookieAsync(HttpHelpers.RefreshCookie(late)!.Value.Value!);
        await ended.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ASessionFromBeforeTheCapThatSlidPastItEndsWithReasonMaxLifetime()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var now = app.Time.GetUtcNow();
        // What an older version stored: created 100 days ago, slid on by every restore since.
        var old = new SessionRecord
        {
            Id = "session-from-before", UserId = login.UserId(), CurrentJti = "jti-1", CurrentIssuedAt = now,
            CreatedAt = now - TimeSpan.FromDays(100), LastUsedAt = now, ExpiresAt = now + TimeSpan.FromDays(5),
        };
        await app.Get<ISessionStore>().CreateAsync(old, CancellationToken.None);

        var refused = await (await client.RestoreWithBearerAsync(app.Get<TokenService>().CreateRefreshToken(old)))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("session_ended", refused.GetProperty("code").GetString());
        Assert.Equal("max_lifetime", refused.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ALoginBeyondMaxSessionsPerUserEndsTheOldestSession()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:MaxSessionsPerUser"] = "3" });
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var logins = new List<Login> { await client.SignUpAndLoginAsync(email: email, delivery: "body") };
        for (var i = 0; i < 3; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            logins.Add(await client.LoginAsync(email, delivery: "body"));
        }

        var refused = await (await client.FetchProfileAsync(logins[0].AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", refused.GetProperty("code").GetString());
        Assert.Equal("revoked", refused.GetProperty("reason").GetString());
        foreach (var kept in logins.Skip(1))
            Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(kept.AccessToken)).StatusCode);
        Assert.Equal(3, (await client.ListSessionsAsync(logins[3].AccessToken)).Length);
    }

    [Theory]
    [InlineData("MiniAuth:MaxSessionLifetime", "00:00:10")]
    [InlineData("MiniAuth:MaxSessionsPerUser", "0")]
    public async Task ABadSessionLimitStopsTheStartNamingTheKey(string key, string value)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { [key] = value });
        var error = Assert.IsType<OptionsValidationException>(Record.Exception(() => app.NewClient()));
        Assert.Contains(key, error.Message);
    }
}
