using System.Security.Cryptography;
using StackExchange.Redis;

namespace MiniAuth.Storage.Redis;

// Lets an access check skip reading its session from Redis without ever missing a revocation.
// The fence is one key, {prefix}session-fence, that every revocation sets to a new random value in
// the script that revokes (RedisSessionScripts). A session read is kept beside the fence value read
// before it; a later check may answer from it only while the fence still holds that value. The
// fence is read after the request arrived (its checkpoint), so a revocation any instance finished
// before is always seen, as with a read of the session itself (CONTRACT: revoked means 401 at once).
// Requests share the fence's reads (CoalescedRead), never one sent before they arrived. A lost
// fence (Redis restarted empty) gets a new random value, so nothing kept before is trusted again.
// A session key Redis evicts while the fence stands would go unnoticed: Redis must not evict
// (maxmemory-policy noeviction, docs/operations.md), as for any store.
public sealed class RedisSessionFence
{
    public const int Capacity = 10_000;

    sealed record Kept(SessionRecord Session, string Fence);

    readonly ClearedWhenFull<Kept> _kept = new(Capacity);
    readonly CoalescedRead<SessionCheckpoint> _reads;
    readonly RedisConnection _redis;
    readonly TimeProvider _time;

    public RedisSessionFence(RedisConnection redis, TimeProvider time)
    {
        (_redis, _time) = (redis, time);
        _reads = new CoalescedRead<SessionCheckpoint>(ReadFenceAsync);
    }

    public RedisKey Key => _redis.KeyPrefix + "session-fence";

    // A live session kept while the fence has held the checkpoint's value, or the one `read` gets
    // (kept when live). Fields a rotation changes (CurrentJti, ExpiresAt, ...) may lag; one whose
    // ExpiresAt has passed is read again, since a rotation may have moved it.
    public async Task<SessionRecord?> FindAsync(string id, SessionCheckpoint checkpoint, Func<Task<SessionRecord?>> read)
    {
        if (checkpoint.Fence is not { } fence) throw new ArgumentException("Not a checkpoint of the Redis session store.", nameof(checkpoint));
        if (_kept.TryGetValue(id, out var kept) && kept.Fence == fence && _time.GetUtcNow() <= kept.Session.ExpiresAt)
            return kept.Session.Copy();
        var session = await read();
        if (session is { RevokedAt: null }) _kept.Set(id, new Kept(session.Copy(), fence));
        else _kept.Remove(id);
        return session;
    }

    // A new value for a revocation to set: random, so a fence lost and set again never repeats one.
    public static RedisValue NewValue() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    // The fence's value, from a read sent after this call began.
    public Task<SessionCheckpoint> ReadAsync() => _reads.ReadAsync();

    async Task<SessionCheckpoint> ReadFenceAsync()
    {
        var db = await _redis.DatabaseAsync(CancellationToken.None);
        var value = await db.StringGetAsync(Key);
        if (value.IsNull) value = (RedisValue)await db.ScriptEvaluateAsync(SetIfMissing, [Key], [NewValue()]);
        return new SessionCheckpoint(value.ToString());
    }

    // KEYS: fence. ARGV: a new value. The fence's value, set first if Redis has none.
    const string SetIfMissing = """
        local v = redis.call('GET', KEYS[1])
        if v then return v end
        redis.call('SET', KEYS[1], ARGV[1])
        return ARGV[1]
        """;
}
