using System.Collections.Concurrent;
using StackExchange.Redis;

namespace MiniAuth.Storage.Redis;

// Tells every instance which user changed, on the channel {prefix}user-changes, so each forgets
// its copy (UserCache) at once rather than when it expires. Pub/sub delivers at most once, to
// whoever listens at that moment: a notice lost while Redis is away costs that wait, at most
// UserCacheLifetime, never more. A publish never holds up or fails the write behind it; its
// failures are logged once per outage.
internal sealed partial class RedisUserChanges(RedisConnection redis, UserCache cache, TimeProvider time,
    ILogger<RedisUserChanges> logger) : IAsyncDisposable
{
    readonly ConcurrentDictionary<Task, byte> _publishing = new();
    int _failing;

    RedisChannel Channel => RedisChannel.Literal(redis.KeyPrefix + "user-changes");

    public void Publish(string userId)
    {
        var publish = PublishAsync(userId);
        if (publish.IsCompleted) return;
        _publishing.TryAdd(publish, 0);
        publish.ContinueWith(done => _publishing.TryRemove(done, out _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    async Task PublishAsync(string userId)
    {
        try
        {
            var subscriber = await redis.SubscriberAsync(CancellationToken.None);
            await subscriber.PublishAsync(Channel, userId);
            if (Interlocked.Exchange(ref _failing, 0) == 1) LogPublishingAgain();
        }
        catch (Exception e)
        {
            if (Interlocked.Exchange(ref _failing, 1) == 0) LogPublishFailed(e);
        }
    }

    public async Task SubscribeAsync(CancellationToken ct)
    {
        var subscriber = await redis.SubscriberAsync(ct);
        // Notices sent while the connection was down are lost: forget every copy once it is back.
        subscriber.Multiplexer.ConnectionRestored += (_, _) => cache.ForgetAll();
        await subscriber.SubscribeAsync(Channel, (_, userId) =>
        {
            if (!userId.IsNullOrEmpty) cache.Forget(userId!);
        });
    }

    // Completes when every publish under way has ended, sent or failed.
    internal Task PublishedAsync() => Task.WhenAll(_publishing.Keys);

    // The admin command line writes and exits at once: its notices still go out, for a moment at most.
    public async ValueTask DisposeAsync()
    {
        try { await PublishedAsync().WaitAsync(TimeSpan.FromSeconds(2), time); }
        catch (TimeoutException) { }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the other instances that a user changed; until Redis answers again they may show the old profile for up to MiniAuth:Storage:UserCacheLifetime")]
    partial void LogPublishFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telling the other instances of user changes again")]
    partial void LogPublishingAgain();
}
