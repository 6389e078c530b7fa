namespace MiniAuth.Storage;

// A point in the session store's history (ISessionStore.CheckpointAsync): Fence is the Redis
// fence's value then (RedisSessionFence); null for a store only this process writes.
public sealed record SessionCheckpoint(string? Fence)
{
    public static readonly SessionCheckpoint Local = new((string?)null);
    public static readonly Task<SessionCheckpoint> LocalTask = Task.FromResult(Local);
}
