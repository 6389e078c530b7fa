using Microsoft.Extensions.Hosting;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The sweeper deletes in batches (a step never holds the store for the whole sweep): more ended
// sessions than one batch, of both kinds, all go in one pass, and nothing alive goes with them.
public class SessionSweepBatchTests
{
    [Theory, OnLiteDb, OnServers]
    public async Task ASweepOfMoreEndedSessionsThanOneBatchFreesThemAllAndKeepsTheLiveOnes(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var sessions = app.Get<ISessionStore>();
        var sweeper = app.Get<IEnumerable<IHostedService>>().OfType<SessionSweeper>().Single();
        var now = app.Time.GetUtcNow();
        SessionRecord Session(string id, DateTimeOffset expiresAt) => new()
        {
            Id = id, UserId = "user-" + (id.GetHashCode() & 7), CurrentJti = id + "-jti", CurrentIssuedAt = now,
            CreatedAt = now, LastUsedAt = now, ExpiresAt = expiresAt,
        };

        // 700 expired long ago, 600 revoked long ago, 5 alive, 5 revoked just now (kept to tell why).
        var expired = Enumerable.Range(0, 700).Select(i => Session($"expired-{i}", now + TimeSpan.FromHours(1))).ToList();
        var revoked = Enumerable.Range(0, 600).Select(i => Session($"revoked-{i}", now + TimeSpan.FromDays(30))).ToList();
        var alive = Enumerable.Range(0, 5).Select(i => Session($"alive-{i}", now + TimeSpan.FromDays(30))).ToList();
        foreach (var s in expired.Concat(revoked).Concat(alive)) await sessions.CreateAsync(s, CancellationToken.None);
        foreach (var s in revoked) await sessions.RevokeAsync(s.Id, RevocationReasons.Logout, now, CancellationToken.None);
        app.Time.Advance(TimeSpan.FromDays(1));
        var recent = Enumerable.Range(0, 5).Select(i => Session($"recent-{i}", now + TimeSpan.FromDays(30))).ToList();
        foreach (var s in recent)
        {
            await sessions.CreateAsync(s, CancellationToken.None);
            await sessions.RevokeAsync(s.Id, RevocationReasons.Logout, app.Time.GetUtcNow(), CancellationToken.None);
        }

        // The hosted sweeper may have run a pass of its own as the clock moved: count what is left.
        await sweeper.SweepOnceAsync(CancellationToken.None);

        foreach (var s in expired.Concat(revoked).Where((_, i) => i % 50 == 0))
            Assert.Null(await sessions.FindAsync(s.Id, CancellationToken.None));
        foreach (var s in alive.Concat(recent)) Assert.NotNull(await sessions.FindAsync(s.Id, CancellationToken.None));
        var left = 0;
        for (var u = 0; u < 8; u++) left += (await sessions.ListForUserAsync("user-" + u, CancellationToken.None)).Count;
        Assert.Equal(10, left);
    }
}
