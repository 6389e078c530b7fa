using System.Net;
using StackExchange.Redis;

namespace MiniAuth.Storage.Redis;

// The one multiplexer of the process, connected on first use (at start, by StorageConnector).
// Once connected it reconnects by itself; commands fail while the server is away.
public sealed class RedisConnection(IOptions<StorageOptions> options) : IAsyncDisposable
{
    readonly SemaphoreSlim _connecting = new(1, 1);
    ConnectionMultiplexer? _multiplexer;

    public string KeyPrefix { get; } = options.Value.RedisKeyPrefix;

    public async ValueTask<IDatabase> DatabaseAsync(CancellationToken ct)
    {
        if (_multiplexer is { } connected) return connected.GetDatabase();
        await _connecting.WaitAsync(ct);
        try
        {
            if (_multiplexer is null)
            {
                var configuration = ConfigurationOptions.Parse(options.Value.RedisConnection!);
                configuration.AbortOnConnectFail = true;
                configuration.ClientName ??= "miniauth";
                try
                {
                    _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
                }
                catch (Exception e) when (e is RedisException or TimeoutException or System.Net.Sockets.SocketException)
                {
                    throw new StorageUnavailableException(
                        $"Redis at {Describe(configuration.EndPoints)} (ConnectionStrings:Redis, used for MiniAuth:Storage:Sessions) does not answer: {Reason(e)}", e);
                }
            }
            return _multiplexer.GetDatabase();
        }
        finally { _connecting.Release(); }
    }

    // The same connection's pub/sub side (RedisUserChanges).
    public async ValueTask<ISubscriber> SubscriberAsync(CancellationToken ct)
    {
        await DatabaseAsync(ct);
        return _multiplexer!.GetSubscriber();
    }

    // The client's message without its advice to set abortConnect=false: MiniAuth sets it itself.
    static string Reason(Exception e)
    {
        var advice = e.Message.IndexOf(" To allow this multiplexer", StringComparison.Ordinal);
        return advice > 0 ? e.Message[..advice] : e.Message;
    }

    static string Describe(EndPointCollection endPoints) => string.Join(", ", endPoints.Select(e => e switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => e.ToString(),
    }));

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } connected) await connected.DisposeAsync();
    }
}
