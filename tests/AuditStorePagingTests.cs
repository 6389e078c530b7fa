using System.Globalization;
using LiteDB;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The stored trail pages newest first, each event once, whatever order its batches reached the
// store in. LiteDB keeps events in groups (per user, within a second); these batches interleave
// in time, cross users, spread one user's events over seconds and come back retried, so pages
// must be put together across groups, and retention must split a group at the cut-off.
public class AuditStorePagingTests
{
    static readonly string[] Users = ["user-a", "user-b", "user-c"];

    // Ids as AuditEventLogger makes them: UTC ticks in 16 hex digits, then the instance.
    static AuditEventRecord Event(DateTimeOffset at, int n) => new()
    {
        Id = at.UtcTicks.ToString("x16", CultureInfo.InvariantCulture) + "0000abcd",
        At = at,
        Type = n % 3 == 0 ? "LoginFailed" : "TokenRefreshed",
        // Every fifth event belongs to nobody (an unknown email's failed login).
        UserId = n % 5 == 0 ? null : Users[n % Users.Length],
        IpAddress = "203.0.113.7",
    };

    static async Task<List<AuditEventRecord>> PagesAsync(IAuditStore store, string? userId, string[]? types, int limit)
    {
        var all = new List<AuditEventRecord>();
        string? before = null;
        while (true)
        {
            var page = await store.ListAsync(new AuditQuery(userId, types, before, limit), CancellationToken.None);
            all.AddRange(page);
            if (page.Count < limit) return all;
            before = page[^1].Id;
        }
    }

    [Theory, OnLiteDb, OnServers]
    public async Task BatchesThatInterleaveInTimePageNewestFirstEachEventOnce(Backend backend)
    {
        await using var backing = await TestBackend.CreateAsync(backend);
        await using var app = backing.NewApp();
        var store = app.Get<IAuditStore>();
        var start = app.Time.GetUtcNow();
        // 120 events 70 ms apart (over 8 s); one batch takes the even ones, the next the odd ones,
        // and a late third batch the ones of the first two seconds again and some of its own.
        var events = Enumerable.Range(0, 120).Select(n => Event(start + TimeSpan.FromMilliseconds(70 * n), n)).ToList();
        var late = Enumerable.Range(120, 10).Select(n => Event(start + TimeSpan.FromMilliseconds(70 * (n - 120) + 35), n)).ToList();
        await store.AddAsync(events.Where((_, n) => n % 2 == 0).ToList(), CancellationToken.None);
        await store.AddAsync(events.Where((_, n) => n % 2 == 1).ToList(), CancellationToken.None);
        await store.AddAsync(late, CancellationToken.None);
        // A batch retried after a write that did land is stored once.
        await store.AddAsync(late, CancellationToken.None);

        var stored = events.Concat(late).OrderByDescending(e => e.Id, StringComparer.Ordinal).ToList();
        foreach (var (userId, types) in new[] { (null, null), ("user-b", null), (null, new[] { "LoginFailed" }), ("user-a", new[] { "TokenRefreshed" }) })
        {
            var expected = stored.Where(e => (userId is null || e.UserId == userId) && (types is null || types.Contains(e.Type)))
                .Select(e => e.Id).ToList();
            foreach (var limit in new[] { 1, 7, 200 })
                Assert.Equal(expected, (await PagesAsync(store, userId, types, limit)).Select(e => e.Id).ToList());
        }
        var one = Assert.Single(await store.ListAsync(new AuditQuery("user-c", null, null, 1), CancellationToken.None));
        Assert.Equivalent(stored.First(e => e.UserId == "user-c"), one);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task RetentionDeletesTheEventsBeforeTheCutOffToTheTickAndKeepsTheRest(Backend backend)
    {
        await using var backing = await TestBackend.CreateAsync(backend);
        await using var app = backing.NewApp();
        var store = app.Get<IAuditStore>();
        var start = app.Time.GetUtcNow();
        // One user's events 100 ms apart in one batch: LiteDB holds them in groups of a second,
        // and the cut-off falls inside one of them.
        var events = Enumerable.Range(0, 30).Select(n => Event(start + TimeSpan.FromMilliseconds(100 * n), 1)).ToList();
        await store.AddAsync(events, CancellationToken.None);
        var cutoff = events[17].At;

        Assert.Equal(17, await store.DeleteOlderThanAsync(cutoff, CancellationToken.None));
        Assert.Equal(0, await store.DeleteOlderThanAsync(cutoff, CancellationToken.None));
        var kept = await PagesAsync(store, "user-b", null, 5);
        Assert.Equal(events.Skip(17).Reverse().Select(e => e.Id), kept.Select(e => e.Id));
    }

    [Fact]
    public async Task ATrailStoredOneEventPerDocumentIsStillListedAfterTheUpgrade()
    {
        var path = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"), "miniauth.db");
        // The file as the service makes it (its collation among others), then the old trail put in.
        await using (var first = new MiniAuthApp(path)) first.Get<IAuditStore>();
        var start = MiniAuthApp.Epoch;
        var events = Enumerable.Range(0, 2500).Select(n => Event(start + TimeSpan.FromMilliseconds(10 * n), n)).ToList();
        // As the store wrote them before AuditEventGroup: a document per event, At as UTC ticks.
        var mapper = new BsonMapper();
        mapper.RegisterType(value => new BsonValue(value.UtcTicks), bson => new DateTimeOffset(bson.AsInt64, TimeSpan.Zero));
        using (var old = new LiteDatabase($"Filename={path};Connection=direct", mapper))
            old.GetCollection<AuditEventRecord>("auditEvents").InsertBulk(events);

        await using (var app = new MiniAuthApp(path))
        {
            var store = app.Get<IAuditStore>();
            var expected = events.OrderByDescending(e => e.Id, StringComparer.Ordinal).ToList();
            Assert.Equal(expected.Select(e => e.Id), (await PagesAsync(store, null, null, 200)).Select(e => e.Id));
            Assert.Equal(expected.Where(e => e.UserId == "user-a").Select(e => e.Id),
                (await PagesAsync(store, "user-a", null, 50)).Select(e => e.Id));
            Assert.Equivalent(expected[0], (await store.ListAsync(new AuditQuery(null, null, null, 1), CancellationToken.None))[0]);
        }
        using var upgraded = new LiteDatabase($"Filename={path};Connection=direct", mapper);
        Assert.False(upgraded.CollectionExists("auditEvents"));
    }
}
