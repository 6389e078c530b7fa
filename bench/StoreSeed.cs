using System.Globalization;
using System.Text;
using LiteDB;

namespace MiniAuth.Bench;

// Writes users and sessions straight into a LiteDB file, shaped as MiniAuth stores them (its
// collections, field names, collation, UTC ticks and indexes: Storage/LiteDb/LiteDbContext.cs),
// before MiniAuth opens it: a big store in seconds instead of a million logins.
public sealed class StoreSeed : IDisposable
{
    readonly LiteDatabase _db;
    readonly ILiteCollection<BsonDocument> _users;
    readonly ILiteCollection<BsonDocument> _sessions;

    public StoreSeed(string path)
    {
        _db = new LiteDatabase(new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        });
        _users = _db.GetCollection("users");
        _users.EnsureIndex("NormalizedEmail", "$.NormalizedEmail", unique: true);
        _users.EnsureIndex("CreatedAt", "$.CreatedAt");
        _sessions = _db.GetCollection("sessions");
        _sessions.EnsureIndex("UserId", "$.UserId");
        _sessions.EnsureIndex("ExpiresHour", "$.ExpiresHour");
        _sessions.EnsureIndex("RevokedAt", "$.RevokedAt");
    }

    public static string UserId(int i) => $"bench{i:D27}";

    // Users bench-user-{from}..{from+count-1}@example.test, all with the same password hash.
    public void AddUsers(int from, int count, string passwordHash)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        _users.InsertBulk(Enumerable.Range(from, count).Select(i => new BsonDocument
        {
            ["_id"] = UserId(i),
            ["Email"] = $"bench-user-{i}@example.test",
            ["NormalizedEmail"] = $"BENCH-USER-{i}@EXAMPLE.TEST",
            ["PasswordHash"] = passwordHash,
            ["Roles"] = new BsonArray(),
            ["CreatedAt"] = now,
            ["EmailVerified"] = false,
            ["Disabled"] = false,
        }), batchSize: 20_000);
    }

    // count sessions, the i-th one of user userOf(i), ending at expiresAt (already past, or later).
    public void AddSessions(string prefix, int count, Func<int, int> userOf, DateTimeOffset expiresAt)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        // One transaction per chunk: LiteDB keeps a transaction's pages in memory until it commits.
        for (var from = 0; from < count; from += Chunk)
            _sessions.InsertBulk(Enumerable.Range(from, Math.Min(Chunk, count - from)).Select(i => Session(prefix, i, userOf(i), expiresAt, now)));
    }

    const int Chunk = 50_000;

    static BsonDocument Session(string prefix, int i, int user, DateTimeOffset expiresAt, long now) => new()
    {
        ["_id"] = $"{prefix}{i:D16}",
        ["UserId"] = UserId(user),
        ["CurrentJti"] = Convert.ToBase64String(Encoding.ASCII.GetBytes($"jti{i:D13}")),
        ["CurrentIssuedAt"] = now,
        ["CreatedAt"] = now,
        ["LastUsedAt"] = now,
        ["ExpiresAt"] = expiresAt.UtcTicks,
        ["ExpiresHour"] = expiresAt.UtcTicks / TimeSpan.TicksPerHour,
        ["IpAddress"] = "127.0.0.1",
        ["UserAgent"] = "bench seed",
    };

    // Moves the end of every session whose id starts with prefix to expiresAt, all at once.
    public int SetExpiry(string prefix, DateTimeOffset expiresAt) =>
        _sessions.UpdateMany(BsonExpression.Create("{ ExpiresAt: @0, ExpiresHour: @1 }", new BsonValue(expiresAt.UtcTicks),
                new BsonValue(expiresAt.UtcTicks / TimeSpan.TicksPerHour)),
            BsonExpression.Create("_id LIKE @0", new BsonValue(prefix + "%")));

    public void Dispose() => _db.Dispose();

    // The size on disk of a store: its file and LiteDB's log beside it.
    public static long SizeOf(string path) =>
        new[] { path, Path.ChangeExtension(path, null) + "-log" + Path.GetExtension(path) }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
}
