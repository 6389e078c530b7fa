using System.Globalization;
using StackExchange.Redis;

namespace MiniAuth.Storage.Redis;

// Failed logins counted where every instance counts them: spread over N instances, an attacker
// still gets MaxFailedLogins tries, not N times as many. {prefix}login-failures:{key} is a hash
// of Count and WindowEndsAt, incremented and given its TTL in one script (INCR + EXPIRE, with the
// window's end kept so the count follows the service's clock). The TTL frees ended windows.
public sealed class RedisLoginFailureStore(RedisConnection redis) : ILoginFailureStore
{
    RedisKey Key(string key) => redis.KeyPrefix + "login-failures:" + key;

    // KEYS: the counter. ARGV: now, window end (both 19-digit UTC ticks, so they compare as
    // strings), window ms.
    const string RecordScript = """
        local ends = redis.call('HGET', KEYS[1], 'WindowEndsAt')
        if not ends or ends <= ARGV[1] then
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], 'WindowEndsAt', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            ends = ARGV[2]
        end
        return { redis.call('HINCRBY', KEYS[1], 'Count', 1), ends }
        """;

    public async Task<LoginFailures> RecordFailureAsync(string key, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(RecordScript, [Key(key)],
            [Ticks(now), Ticks(now + window), Math.Max(1, (long)window.TotalMilliseconds)]))!;
        return new LoginFailures((int)result[0], FromTicks((string)result[1]!));
    }

    public async Task ClearAsync(string key, CancellationToken ct)
    {
        var db = await redis.DatabaseAsync(ct);
        await db.KeyDeleteAsync(Key(key));
    }

    // Redis frees each counter at the end of its window (its TTL); ended windows already read as
    // absent, so there is nothing left for a sweeper to do.
    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct) => Task.FromResult(0);

    static string Ticks(DateTimeOffset value) => value.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    static DateTimeOffset FromTicks(string value) => new(long.Parse(value, CultureInfo.InvariantCulture), TimeSpan.Zero);
}
