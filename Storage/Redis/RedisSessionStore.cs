using System.Globalization;
using MiniAuth.Auth;
using StackExchange.Redis;

namespace MiniAuth.Storage.Redis;

// Each session is a hash with a TTL at its end, so Redis itself frees dead sessions. Beside it:
//   {prefix}user-sessions:{userId}   a set of the user's session ids (listing, ending them all)
//   {prefix}session-expiries         a sorted set of ids by ExpiresAt (unix ms)
//   {prefix}session-revocations      a sorted set of ids by RevokedAt (unix ms)
// The sorted sets let DeleteEndedAsync keep the sweeper's contract with the service's clock (and
// trim the user sets); the TTL frees the memory even if no sweeper ever runs.
// Every read-compare-write is one Lua script, atomic on the server, so two instances cannot
// branch a session or revive a revoked one. Scripts build keys from the prefix: one Redis (or a
// primary with replicas and Sentinel), not Redis Cluster.
public sealed class RedisSessionStore(RedisConnection redis, TimeProvider time, IOptions<TokenOptions> tokens) : ISessionStore
{
    // TokenOptions.EndedSessionKeep, and at least a minute against clock drift between instances.
    readonly TimeSpan _keepRevoked = Max(tokens.Value.EndedSessionKeep, TimeSpan.FromMinutes(1));

    string SessionKeyPrefix => redis.KeyPrefix + "session:";
    string UserIndexPrefix => redis.KeyPrefix + "user-sessions:";
    RedisKey SessionKey(string id) => SessionKeyPrefix + id;
    RedisKey UserIndex(string userId) => UserIndexPrefix + userId;
    RedisKey Expiries => redis.KeyPrefix + "session-expiries";
    RedisKey Revocations => redis.KeyPrefix + "session-revocations";

    // KEYS: session, user index, expiries. ARGV: ttl ms, id, expires unix ms, field/value pairs.
    const string CreateScript = """
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], unpack(ARGV, 4))
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('SADD', KEYS[2], ARGV[2])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
        return 1
        """;

    // KEYS: session, expiries. ARGV: expected jti, new jti, now, expires, ttl ms, expires unix ms,
    // id, user index prefix.
    const string RotateScript = """
        local s = redis.call('HMGET', KEYS[1], 'CurrentJti', 'RevokedAt', 'UserId')
        if not s[1] or s[2] or s[1] ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'PreviousJti', ARGV[1], 'PreviousReplacedAt', ARGV[3],
            'CurrentJti', ARGV[2], 'CurrentIssuedAt', ARGV[3], 'LastUsedAt', ARGV[3], 'ExpiresAt', ARGV[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('ZADD', KEYS[2], ARGV[6], ARGV[7])
        local index = ARGV[8] .. s[3]
        if redis.call('PTTL', index) < tonumber(ARGV[5]) then redis.call('PEXPIRE', index, ARGV[5]) end
        return 1
        """;

    // Shared by both revocations: marks one live session, shortens its TTL to the keep time.
    const string RevokeFunction = """
        local function revoke(key, id, now, reason, keepMs, nowMs, revocations)
            local s = redis.call('HMGET', key, 'UserId', 'RevokedAt')
            if not s[1] or s[2] then return 0 end
            redis.call('HSET', key, 'RevokedAt', now, 'RevocationReason', reason)
            local ttl = redis.call('PTTL', key)
            if ttl < 0 or ttl > tonumber(keepMs) then redis.call('PEXPIRE', key, keepMs) end
            redis.call('ZADD', revocations, nowMs, id)
            return 1
        end

        """;

    // KEYS: session, revocations. ARGV: id, now, reason, keep ms, now unix ms.
    const string RevokeScript = RevokeFunction + """
        return revoke(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], KEYS[2])
        """;

    // KEYS: user index, revocations. ARGV: session key prefix, now, reason, keep ms, now unix ms, except id.
    const string RevokeAllScript = RevokeFunction + """
        local n = 0
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
            local key = ARGV[1] .. id
            if redis.call('EXISTS', key) == 0 then
                redis.call('SREM', KEYS[1], id)
            elseif id ~= ARGV[6] then
                n = n + revoke(key, id, ARGV[2], ARGV[3], ARGV[4], ARGV[5], KEYS[2])
            end
        end
        return n
        """;

    // KEYS: user index. ARGV: session key prefix. Drops ids whose session Redis already freed.
    const string ListScript = """
        local out = {}
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
            local h = redis.call('HGETALL', ARGV[1] .. id)
            if #h == 0 then redis.call('SREM', KEYS[1], id) else out[#out + 1] = h end
        end
        return out
        """;

    // KEYS: expiries, revocations. ARGV: now unix ms, revoked-before unix ms, session key prefix,
    // user index prefix.
    const string DeleteEndedScript = """
        local n = 0
        local function drop(id)
            local key = ARGV[3] .. id
            local user = redis.call('HGET', key, 'UserId')
            if user then
                redis.call('SREM', ARGV[4] .. user, id)
                n = n + redis.call('DEL', key)
            end
            redis.call('ZREM', KEYS[1], id)
            redis.call('ZREM', KEYS[2], id)
        end
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 10000)) do drop(id) end
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2], 'LIMIT', 0, 10000)) do drop(id) end
        return n
        """;

    public async Task CreateAsync(SessionRecord session, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        RedisValue[] args = [TtlMs(session.ExpiresAt), session.Id, session.ExpiresAt.ToUnixTimeMilliseconds(), .. ToFields(session)];
        await db.ScriptEvaluateAsync(CreateScript, [SessionKey(session.Id), UserIndex(session.UserId), Expiries], args);
    }

    public async Task<SessionRecord?> FindAsync(string id, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var fields = await db.HashGetAllAsync(SessionKey(id));
        return fields.Length == 0 ? null : FromFields(fields);
    }

    public async Task<bool> TryRotateAsync(string id, string expectedJti, SessionRotation rotation, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var rotated = await db.ScriptEvaluateAsync(RotateScript, [SessionKey(id), Expiries],
        [
            expectedJti, rotation.NewJti, Ticks(rotation.Now), Ticks(rotation.ExpiresAt),
            TtlMs(rotation.ExpiresAt), rotation.ExpiresAt.ToUnixTimeMilliseconds(), id, UserIndexPrefix,
        ]);
        return (int)rotated == 1;
    }

    public async Task<bool> RevokeAsync(string id, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var revoked = await db.ScriptEvaluateAsync(RevokeScript, [SessionKey(id), Revocations],
            [id, Ticks(now), reason, KeepMs, now.ToUnixTimeMilliseconds()]);
        return (int)revoked == 1;
    }

    public async Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var revoked = await db.ScriptEvaluateAsync(RevokeAllScript, [UserIndex(userId), Revocations],
            [SessionKeyPrefix, Ticks(now), reason, KeepMs, now.ToUnixTimeMilliseconds(), exceptSessionId ?? ""]);
        return (int)revoked;
    }

    public async Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var result = await db.ScriptEvaluateAsync(ListScript, [UserIndex(userId)], [SessionKeyPrefix]);
        return ((RedisResult[])result!)
            .Select(hash => FromPairs((RedisValue[])hash!))
            .OrderBy(s => s.CreatedAt)
            .ToList();
    }

    public async Task<int> DeleteEndedAsync(DateTimeOffset endedBefore, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var cutoff = endedBefore.ToUnixTimeMilliseconds();
        var deleted = await db.ScriptEvaluateAsync(DeleteEndedScript, [Expiries, Revocations],
            [cutoff, cutoff, SessionKeyPrefix, UserIndexPrefix]);
        return (int)deleted;
    }

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
        };
    }
}
