namespace MiniAuth.Storage.Redis;

// The session store's read-compare-write steps, each run atomically on the Redis server. They are
// SessionRecord's rules (CanRotateFrom, Apply, TryRevoke) written again in Lua, because they must
// run inside Redis: a change to one is a change to both, and tests/BackendSuiteTests.cs pins them
// against the same cases on every backend.
internal static class RedisSessionScripts
{
    // KEYS: session, user index, expiries. ARGV: ttl ms, id, expires unix ms, field/value pairs.
    public const string Create = """
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], unpack(ARGV, 4))
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        redis.call('SADD', KEYS[2], ARGV[2])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
        return 1
        """;

    // SessionRecord.CanRotateFrom and Apply: rotates only a session that is not revoked and whose
    // current jti is the expected one.
    // KEYS: session, expiries. ARGV: expected jti, new jti, now, expires, ttl ms, expires unix ms,
    // id, user index prefix.
    public const string Rotate = """
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

    // SessionRecord.TryRevoke: a session ends once, its first reason kept. Shared by both
    // revocations; also shortens the session's TTL to the keep time, and appends the session to
    // the revoked-sessions feed (a stream: ids are given by the server in commit order, so a
    // cursor never skips an entry). The stream trims itself past the keep time by Redis's clock;
    // readers filter by the service's clock (field `at`). And it moves the fence (RedisSessionFence),
    // so no instance answers an access check from a copy read before.
    const string RevokeFunction = """
        local function revoke(key, id, now, reason, keepMs, nowMs, revocations, feed, fence, fenceValue)
            local s = redis.call('HMGET', key, 'UserId', 'RevokedAt')
            if not s[1] or s[2] then return 0 end
            -- The fence first: Redis does not undo a script that fails halfway, and a revocation
            -- must never be stored while instances still trust their copies.
            redis.call('SET', fence, fenceValue)
            redis.call('HSET', key, 'RevokedAt', now, 'RevocationReason', reason)
            local ttl = redis.call('PTTL', key)
            if ttl < 0 or ttl > tonumber(keepMs) then redis.call('PEXPIRE', key, keepMs) end
            redis.call('ZADD', revocations, nowMs, id)
            local t = redis.call('TIME')
            local oldest = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - tonumber(keepMs)
            redis.call('XADD', feed, 'MINID', '~', string.format('%d', oldest), '*', 'sid', id, 'at', nowMs)
            return 1
        end

        """;

    // KEYS: session, revocations, feed, fence. ARGV: id, now, reason, keep ms, now unix ms, new fence value.
    public const string Revoke = RevokeFunction + """
        return revoke(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], KEYS[2], KEYS[3], KEYS[4], ARGV[6])
        """;

    // KEYS: user index, revocations, feed, fence. ARGV: session key prefix, now, reason, keep ms,
    // now unix ms, except id, new fence value.
    public const string RevokeAll = RevokeFunction + """
        local n = 0
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
            local key = ARGV[1] .. id
            if redis.call('EXISTS', key) == 0 then
                redis.call('SREM', KEYS[1], id)
            elseif id ~= ARGV[6] then
                n = n + revoke(key, id, ARGV[2], ARGV[3], ARGV[4], ARGV[5], KEYS[2], KEYS[3], KEYS[4], ARGV[7])
            end
        end
        return n
        """;

    // KEYS: feed. ARGV: cursor ('' for none), limit. Returns the feed's last id, then up to
    // limit + 1 entries after the cursor; a cursor ahead of the last id reads from the start.
    public const string ListRevoked = """
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        local lastId = '0-0'
        if last[1] then lastId = last[1][1] end
        local from = '-'
        if ARGV[1] ~= '' then
            local a1, a2 = string.match(ARGV[1], '^(%d+)-(%d+)$')
            local l1, l2 = string.match(lastId, '^(%d+)-(%d+)$')
            local ahead = tonumber(a1) > tonumber(l1) or (tonumber(a1) == tonumber(l1) and tonumber(a2) > tonumber(l2))
            if not ahead then from = '(' .. ARGV[1] end
        end
        local entries = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', tonumber(ARGV[2]) + 1)
        local out = { lastId }
        for _, e in ipairs(entries) do
            local f = e[2]
            local sid, at = nil, nil
            for i = 1, #f, 2 do
                if f[i] == 'sid' then sid = f[i + 1] elseif f[i] == 'at' then at = f[i + 1] end
            end
            out[#out + 1] = e[1]
            out[#out + 1] = sid
            out[#out + 1] = at
        end
        return out
        """;

    // KEYS: user index. ARGV: session key prefix. Drops ids whose session Redis already freed.
    public const string List = """
        local out = {}
        for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
            local h = redis.call('HGETALL', ARGV[1] .. id)
            if #h == 0 then redis.call('SREM', KEYS[1], id) else out[#out + 1] = h end
        end
        return out
        """;

    // KEYS: expiries, revocations. ARGV: now unix ms, revoked-before unix ms, session key prefix,
    // user index prefix, how many ids at most (one batch). Returns {deleted, ids visited}.
    public const string DeleteEnded = """
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
        local seen = 0
        local limit = tonumber(ARGV[5])
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, limit)) do drop(id); seen = seen + 1 end
        if seen < limit then
            for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2], 'LIMIT', 0, limit - seen)) do drop(id); seen = seen + 1 end
        end
        return { n, seen }
        """;

    // KEYS: expiries, revocations. ARGV: now unix ms. The sessions not yet expired, less those of
    // them revoked (the revocations set holds only the sessions ended within the keep time).
    public const string CountActive = """
        local active = redis.call('ZCOUNT', KEYS[1], ARGV[1], '+inf')
        for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
            local expires = redis.call('ZSCORE', KEYS[1], id)
            if expires and tonumber(expires) >= tonumber(ARGV[1]) then active = active - 1 end
        end
        return active
        """;
}
