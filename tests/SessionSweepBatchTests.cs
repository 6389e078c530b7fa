using LiteDB;
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

    // LiteDB finds expired sessions by the hour they end in (SessionRecord.ExpiresHour), yet frees
    // them to the tick: what ended before the cut-off goes, what ends at it or later stays.
    [Theory, OnLiteDb]
    public async Task ExpiredSessionsAreFreedToTheTickOfTheCutOffWithinItsHour(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var sessions = app.Get<ISessionStore>();
        var now = app.Time.GetUtcNow();
        var cutoff = now + TimeSpan.FromDays(2) + TimeSpan.FromMinutes(30);
        var ends = new Dictionary<string, DateTimeOffset>
        {
            ["hour-before"] = cutoff - TimeSpan.FromMinutes(50), ["tick-before"] = cutoff - TimeSpan.FromTicks(1),
            ["at"] = cutoff, ["tick-after"] = cutoff + TimeSpan.FromTicks(1), ["hour-after"] = cutoff + TimeSpan.FromMinutes(45),
        };
        foreach (var (id, end) in ends)
            await sessions.CreateAsync(new SessionRecord { Id = id, UserId = "u", CurrentJti = id, CreatedAt = now, ExpiresAt = end }, CancellationToken.None);

        Assert.Equal(2, await sessions.DeleteEndedAsync(cutoff, CancellationToken.None));
        foreach (var id in new[] { "hour-before", "tick-before" }) Assert.Null(await sessions.FindAsync(id, CancellationToken.None));
        foreach (var id in new[] { "at", "tick-after", "hour-after" }) Assert.NotNull(await sessions.FindAsync(id, CancellationToken.None));
    }

    // A store written before ExpiresHour (its sessions lack it, their index is on ExpiresAt): MiniAuth
    // writes them again as it opens the file, so the sweeper still frees them.
    [Fact]
    public async Task SessionsOfAStoreFromBeforeTheHourIndexAreStillSwept()
    {
        var path = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"), "miniauth.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var ended = MiniAuthApp.Epoch - TimeSpan.FromDays(3);
        var collation = new Collation(System.Globalization.CultureInfo.InvariantCulture.LCID, System.Globalization.CompareOptions.Ordinal);
        using (var old = new LiteDatabase(new ConnectionString { Filename = path, Collation = collation }))
        {
            var raw = old.GetCollection("sessions");
            raw.EnsureIndex("ExpiresAt", "$.ExpiresAt");
            for (var i = 0; i < 1500; i++)
                raw.Insert(new BsonDocument { ["_id"] = $"old-{i}", ["UserId"] = "u", ["CurrentJti"] = $"j{i}", ["ExpiresAt"] = ended.UtcTicks });
            raw.Insert(new BsonDocument { ["_id"] = "old-live", ["UserId"] = "u", ["CurrentJti"] = "j", ["ExpiresAt"] = (MiniAuthApp.Epoch + TimeSpan.FromDays(3)).UtcTicks });
        }
        try
        {
            await using var app = new MiniAuthApp(path);
            var sessions = app.Get<ISessionStore>();
            await app.Get<IEnumerable<IHostedService>>().OfType<SessionSweeper>().Single().SweepOnceAsync(CancellationToken.None);
            foreach (var i in new[] { 0, 7, 999, 1000, 1499 }) Assert.Null(await sessions.FindAsync($"old-{i}", CancellationToken.None));
            Assert.NotNull(await sessions.FindAsync("old-live", CancellationToken.None));
            Assert.Equal(1, await app.Get<ISessionCounter>().CountActiveAsync(app.Time.GetUtcNow(), CancellationToken.None));
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, recursive: true); }
    }
}
