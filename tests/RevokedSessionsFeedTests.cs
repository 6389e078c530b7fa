using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// GET /.well-known/revoked-sessions: what a resource service polls to refuse the access tokens of
// sessions that ended before their exp.
public class RevokedSessionsFeedTests
{
    static string Sid(string token) => HttpHelpers.Claims(token).GetProperty("sid").GetString()!;

    static async Task<(List<string> Sids, string Cursor, int KeepSeconds, bool More)> PollAsync(HttpClient client, string? since = null)
    {
        var response = await client.GetAsync(since is null ? "/.well-known/revoked-sessions" : $"/.well-known/revoked-sessions?since={Uri.EscapeDataString(since)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.JsonAsync();
        return (body.GetProperty("sids").EnumerateArray().Select(s => s.GetString()!).ToList(), body.GetProperty("cursor").GetString()!,
            body.GetProperty("keepSeconds").GetInt32(), body.GetProperty("more").GetBoolean());
    }

    static Task<HttpResponseMessage> LogoutAsync(HttpClient client, string accessToken) =>
        client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", accessToken);

    [Theory, OnLiteDb, OnServers]
    public async Task APollReturnsTheSessionsEndedSinceItsCursorAndOnlyThose(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var first = await client.SignUpAndLoginAsync(delivery: "body");
        var second = await client.SignUpAndLoginAsync(delivery: "body");

        var start = await PollAsync(client);
        Assert.Empty(start.Sids);
        Assert.Equal((int)app.AccessTokenLifetime.TotalSeconds, start.KeepSeconds);

        Assert.Equal(HttpStatusCode.NoContent, (await LogoutAsync(client, first.AccessToken)).StatusCode);
        var afterLogout = await PollAsync(client, start.Cursor);
        Assert.Equal([Sid(first.AccessToken)], afterLogout.Sids);
        Assert.False(afterLogout.More);

        var nothingNew = await PollAsync(client, afterLogout.Cursor);
        Assert.Empty(nothingNew.Sids);
        Assert.Equal(afterLogout.Cursor, nothingNew.Cursor);

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Delete, "/sessions", second.AccessToken)).StatusCode);
        Assert.Equal([Sid(second.AccessToken)], (await PollAsync(client, nothingNew.Cursor)).Sids);
        // Without a cursor: every session ended within keepSeconds.
        Assert.Equal([Sid(first.AccessToken), Sid(second.AccessToken)], (await PollAsync(client)).Sids);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task APasswordChangeAndAForcedLogoutPutTheOtherSessionsInTheFeed(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: AdminTestHelpers.WithAdmin());
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var kept = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        var other = await client.LoginAsync(email, delivery: "body");
        var cursor = (await PollAsync(client)).Cursor;

        var change = await client.SendWithBearerAsync(HttpMethod.Post, "/profile/password", kept.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword = "another long passphrase 42" });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        var changed = await PollAsync(client, cursor);
        Assert.Equal([Sid(other.AccessToken)], changed.Sids);

        var admin = (await client.LoginAdminAsync()).AccessToken;
        var userId = HttpHelpers.Claims(kept.AccessToken).GetProperty("sub").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Delete, $"/admin/users/{userId}/sessions", admin)).StatusCode);
        Assert.Equal([Sid(kept.AccessToken)], (await PollAsync(client, changed.Cursor)).Sids);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task TheSweeperKeepsAnEndedSessionInTheFeedForKeepSecondsThenItLeaves(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        await LogoutAsync(client, login.AccessToken);
        var sweeper = app.Get<IEnumerable<IHostedService>>().OfType<SessionSweeper>().Single();

        // The access token is alive up to its exp: the session stays in the feed that long, swept or not.
        app.Time.Advance(app.AccessTokenLifetime);
        await sweeper.SweepOnceAsync(CancellationToken.None);
        var keptFeed = await PollAsync(client);
        Assert.Equal([Sid(login.AccessToken)], keptFeed.Sids);

        app.Time.Advance(TimeSpan.FromSeconds(1));
        await sweeper.SweepOnceAsync(CancellationToken.None);
        var later = await PollAsync(client);
        Assert.Empty(later.Sids);
        // The cursor still reads on from where it was.
        var next = await client.SignUpAndLoginAsync(delivery: "body");
        await LogoutAsync(client, next.AccessToken);
        Assert.Equal([Sid(next.AccessToken)], (await PollAsync(client, later.Cursor)).Sids);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task ABadCursorIs400AndACursorAheadOfTheFeedReadsFromTheStart(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        foreach (var bad in new[] { "abc", "-1", "1.5", "12-", "%00", new string('9', 65) })
        {
            var problem = await (await client.GetAsync($"/.well-known/revoked-sessions?since={bad}")).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("invalid_cursor", problem.GetProperty("code").GetString());
        }
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        await LogoutAsync(client, login.AccessToken);
        // A cursor from another store (a restored backup, a new file) is past this feed's end.
        var ahead = backend == Backend.LiteDb ? "99999" : "99999999999999-0";
        Assert.Equal([Sid(login.AccessToken)], (await PollAsync(client, ahead)).Sids);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task AFullPageSaysMoreAndTheNextPageHasTheRest(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var sessions = app.Get<ISessionStore>();
        var now = app.Time.GetUtcNow();
        for (var i = 0; i < 1001; i++)
            await sessions.CreateAsync(new SessionRecord
            {
                Id = $"s{i:D4}", UserId = "many", CurrentJti = "j", CurrentIssuedAt = now, CreatedAt = now, LastUsedAt = now,
                ExpiresAt = now + TimeSpan.FromDays(1),
            }, CancellationToken.None);
        Assert.Equal(1001, await sessions.RevokeAllForUserAsync("many", RevocationReasons.ForcedByAdmin, now, null, CancellationToken.None));

        var client = app.NewClient();
        var first = await PollAsync(client);
        Assert.Equal(1000, first.Sids.Count);
        Assert.True(first.More);
        var rest = await PollAsync(client, first.Cursor);
        Assert.Single(rest.Sids);
        Assert.False(rest.More);
        Assert.Equal(1001, first.Sids.Concat(rest.Sids).Distinct().Count());
    }

    [ServersFact]
    public async Task ASessionEndedOnInstanceAIsInTheFeedOfInstanceB()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var time = new FakeTimeProvider(MiniAuthApp.Epoch);
        await using var a = store.NewApp(time);
        await using var b = store.NewApp(time);
        var cursor = (await PollAsync(b.NewClient())).Cursor;
        var login = await a.NewClient().SignUpAndLoginAsync(delivery: "body");
        await LogoutAsync(a.NewClient(), login.AccessToken);
        Assert.Equal([Sid(login.AccessToken)], (await PollAsync(b.NewClient(), cursor)).Sids);
    }
}
