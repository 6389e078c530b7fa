using System.Globalization;
using StackExchange.Redis;

namespace MiniAuth.Storage.Redis;

// Each session is a hash with a TTL at its end, so Redis itself frees dead sessions. Beside it:
//   {prefix}user-sessions:{userId}   a set of the user's session ids (listing, ending them all)
//   {prefix}session-expiries         a sorted set of ids by ExpiresAt (unix ms)
//   {prefix}session-revocations      a sorted set of ids by RevokedAt (unix ms)
//   {prefix}revoked-sessions         a stream, the revoked-sessions feed (sid, at), trimmed past the keep time
// The sorted sets let DeleteEndedAsync keep the sweeper's contract with the service's clock (and
// trim the user sets); the TTL frees the memory even if no sweeper ever runs.
// Every read-compare-write is one Lua script (RedisSessionScripts), atomic on the server, so two
// instances cannot branch a session or revive a revoked one. Scripts build keys from the prefix: one Redis (or a
// primary with replicas and Sentinel), not Redis Cluster.
public sealed class RedisSessionStore(RedisConnection redis, TimeProvider time, IOptions<SessionRetentionOptions> retention) : ISessionStore, ISessionCounter
{
    readonly RedisSessionFence _fence = new(redis, time);

    // The retention the service asks for, and at least a minute against clock drift between instances.
    readonly TimeSpan _keepRevoked = Max(retention.Value.EndedSessionKeep, TimeSpan.FromMinutes(1));

    string SessionKeyPrefix => redis.KeyPrefix + "session:";
    string UserIndexPrefix => redis.KeyPrefix + "user-sessions:";
    RedisKey SessionKey(string id) => SessionKeyPrefix + id;
    RedisKey UserIndex(string userId) => UserIndexPrefix + userId;
    RedisKey Expiries => redis.KeyPrefix + "session-expiries";
    RedisKey Revocations => redis.KeyPrefix + "session-revocations";
    RedisKey Feed => redis.KeyPrefix + "revoked-sessions";

    public async Task CreateAsync(SessionRecord session, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        RedisValue[] args = [TtlMs(session.ExpiresAt), session.Id, session.ExpiresAt.ToUnixTimeMilliseconds(), .. ToFields(session)];
        await db.ScriptEvaluateAsync(RedisSessionScripts.Create, [SessionKey(session.Id), UserIndex(session.UserId), Expiries], args);
    }

    public async Task<SessionRecord?> FindAsync(string id, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var fields = await db.HashGetAllAsync(SessionKey(id));
        return fields.Length == 0 ? null : FromFields(fields);
    }

    public Task<SessionCheckpoint> CheckpointAsync() => _fence.ReadAsync();

    public Task<SessionRecord?> FindForAccessCheckAsync(string id, SessionCheckpoint checkpoint, CancellationToken ct) =>
        _fence.FindAsync(id, checkpoint, () => FindAsync(id, ct));

    public async Task<bool> TryRotateAsync(string id, string expectedJti, SessionRotation rotation, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var rotated = await db.ScriptEvaluateAsync(RedisSessionScripts.Rotate, [SessionKey(id), Expiries],
        [
            expectedJti, rotation.NewJti, Ticks(rotation.Now), Ticks(rotation.ExpiresAt),
            TtlMs(rotation.ExpiresAt), rotation.ExpiresAt.ToUnixTimeMilliseconds(), id, UserIndexPrefix,
        ]);
        return (int)rotated == 1;
    }

    public async Task<bool> RevokeAsync(string id, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var revoked = await db.ScriptEvaluateAsync(RedisSessionScripts.Revoke, [SessionKey(id), Revocations, Feed, _fence.Key],
            [id, Ticks(now), reason, KeepMs, now.ToUnixTimeMilliseconds(), RedisSessionFence.NewValue()]);
        return (int)revoked == 1;
    }

    public async Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var revoked = await db.ScriptEvaluateAsync(RedisSessionScripts.RevokeAll, [UserIndex(userId), Revocations, Feed, _fence.Key],
            [SessionKeyPrefix, Ticks(now), reason, KeepMs, now.ToUnixTimeMilliseconds(), exceptSessionId ?? "", RedisSessionFence.NewValue()]);
        return (int)revoked;
    }

    public async Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var result = await db.ScriptEvaluateAsync(RedisSessionScripts.List, [UserIndex(userId)], [SessionKeyPrefix]);
        return ((RedisResult[])result!)
            .Select(hash => FromPairs((RedisValue[])hash!))
            .OrderBy(s => s.CreatedAt)
            .ToList();
    }

    public async Task<int> DeleteEndedAsync(DateTimeOffset endedBefore, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var cutoff = endedBefore.ToUnixTimeMilliseconds();
        // A script blocks the whole Redis while it runs: many short ones, each a few milliseconds.
        var total = 0;
        while (true)
        {
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisSessionScripts.DeleteEnded, [Expiries, Revocations],
                [cutoff, cutoff, SessionKeyPrefix, UserIndexPrefix, DeleteBatch]))!;
            total += (int)result[0];
            if ((int)result[1] < DeleteBatch || ct.IsCancellationRequested) return total;
        }
    }

    public async Task<RevokedSessionsPage?> ListRevokedAsync(string? after, DateTimeOffset revokedSince, int limit, CancellationToken ct)
    {
        if (after is not null && !IsStreamId(after)) return null;
        var db = await redis.DatabaseAsync(ct);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisSessionScripts.ListRevoked, [Feed], [after ?? "", limit]))!;
        var read = (result.Length - 1) / 3;
        var taken = Math.Min(read, limit);
        var since = revokedSince.ToUnixTimeMilliseconds();
        var ids = new List<string>(taken);
        for (var i = 0; i < taken; i++)
            if (long.Parse((string)result[3 * i + 3]!, CultureInfo.InvariantCulture) >= since) ids.Add((string)result[3 * i + 2]!);
        // Nothing new: the cursor stays (or, first poll or from another store, becomes the feed's end).
        var last = (string)result[0]!;
        var cursor = taken > 0 ? (string)result[3 * taken - 2]! : after is not null && !IsAhead(after, last) ? after : last;
        return new RevokedSessionsPage(ids, cursor, read > limit);
    }

    // A stream id: <ms>-<seq>, each a 64-bit unsigned number.
    static bool IsStreamId(string value)
    {
        var dash = value.IndexOf('-');
        return dash > 0 && dash < value.Length - 1 && value.Length <= 41
            && ulong.TryParse(value.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && ulong.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    static bool IsAhead(string id, string last)
    {
        static (ulong, ulong) Parts(string v) { var d = v.IndexOf('-'); return (ulong.Parse(v[..d], CultureInfo.InvariantCulture), ulong.Parse(v[(d + 1)..], CultureInfo.InvariantCulture)); }
        return Parts(id).CompareTo(Parts(last)) > 0;
    }

    public async Task<long> CountActiveAsync(DateTimeOffset now, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        return (long)await db.ScriptEvaluateAsync(RedisSessionScripts.CountActive, [Expiries, Revocations], [now.ToUnixTimeMilliseconds()]);
    }

    const int DeleteBatch = 500;

    long KeepMs => (long)_keepRevoked.TotalMilliseconds;

    // Redis counts TTLs on its own clock: the time left by the service's clock until the session's
    // end plus the keep time, at least a second.
    long TtlMs(DateTimeOffset endsAt) => Math.Max(1000, (long)(endsAt + _keepRevoked - time.GetUtcNow()).TotalMilliseconds);

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    // UTC ticks, exact (a double would round them).
    static string Ticks(DateTimeOffset value) => value.UtcTicks.ToString(CultureInfo.InvariantCulture);

    static DateTimeOffset FromTicks(RedisValue value) => new(long.Parse((string)value!, CultureInfo.InvariantCulture), TimeSpan.Zero);

    static IEnumerable<RedisValue> ToFields(SessionRecord s)
    {
        IEnumerable<(string, string?)> fields =
        [
            (nameof(s.Id), s.Id), (nameof(s.UserId), s.UserId),
            (nameof(s.CurrentJti), s.CurrentJti), (nameof(s.CurrentIssuedAt), Ticks(s.CurrentIssuedAt)),
            (nameof(s.PreviousJti), s.PreviousJti), (nameof(s.PreviousReplacedAt), s.PreviousReplacedAt is { } p ? Ticks(p) : null),
            (nameof(s.CreatedAt), Ticks(s.CreatedAt)), (nameof(s.LastUsedAt), Ticks(s.LastUsedAt)),
            (nameof(s.ExpiresAt), Ticks(s.ExpiresAt)),
            (nameof(s.RevokedAt), s.RevokedAt is { } r ? Ticks(r) : null), (nameof(s.RevocationReason), s.RevocationReason),
            (nameof(s.IpAddress), s.IpAddress), (nameof(s.UserAgent), s.UserAgent),
            // amr values are tokens without spaces (RFC 8176): one field, space-separated.
            (nameof(s.Amr), s.Amr is { } amr ? string.Join(' ', amr) : null),
        ];
        // A missing field is null; HSET has no null.
        foreach (var (name, value) in fields)
        {
            if (value is null) continue;
            yield return name;
            yield return value;
        }
    }

    static SessionRecord FromPairs(RedisValue[] pairs)
    {
        var entries = new HashEntry[pairs.Length / 2];
        for (var i = 0; i < entries.Length; i++) entries[i] = new HashEntry(pairs[2 * i], pairs[2 * i + 1]);
        return FromFields(entries);
    }

    static SessionRecord FromFields(HashEntry[] entries)
    {
        var f = entries.ToDictionary(e => (string)e.Name!, e => e.Value);
        string? Text(string name) => f.TryGetValue(name, out var v) ? (string?)v : null;
        DateTimeOffset? Time(string name) => f.TryGetValue(name, out var v) ? FromTicks(v) : null;
        return new SessionRecord
        {
            Id = Text(nameof(SessionRecord.Id))!,
            UserId = Text(nameof(SessionRecord.UserId))!,
            CurrentJti = Text(nameof(SessionRecord.CurrentJti))!,
            CurrentIssuedAt = Time(nameof(SessionRecord.CurrentIssuedAt))!.Value,
            PreviousJti = Text(nameof(SessionRecord.PreviousJti)),
            PreviousReplacedAt = Time(nameof(SessionRecord.PreviousReplacedAt)),
            CreatedAt = Time(nameof(SessionRecord.CreatedAt))!.Value,
            LastUsedAt = Time(nameof(SessionRecord.LastUsedAt))!.Value,
            ExpiresAt = Time(nameof(SessionRecord.ExpiresAt))!.Value,
            RevokedAt = Time(nameof(SessionRecord.RevokedAt)),
            RevocationReason = Text(nameof(SessionRecord.RevocationReason)),
            IpAddress = Text(nameof(SessionRecord.IpAddress)),
            UserAgent = Text(nameof(SessionRecord.UserAgent)),
            Amr = Text(nameof(SessionRecord.Amr)) is { } amr ? [.. amr.Split(' ', StringSplitOptions.RemoveEmptyEntries)] : null,
        };
    }
}
