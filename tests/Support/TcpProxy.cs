using System.Net.Sockets;

namespace MiniAuth.Tests;

// Forwards 127.0.0.1:Port to a server until stopped: stopping it is the server going away, as
// far as the app is concerned, without touching the server other tests use.
public sealed class TcpProxy : IAsyncDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly string _host;
    readonly int _port;
    readonly CancellationTokenSource _stop = new();
    readonly List<TcpClient> _open = [];
    readonly Task _accepting;

    public TcpProxy(string target)
    {
        var colon = target.LastIndexOf(':');
        (_host, _port) = (target[..colon], int.Parse(target[(colon + 1)..]));
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    // A Redis connection string through this proxy, with timeouts short enough that a cut shows
    // within a second.
    public string RedisConnectionString => $"127.0.0.1:{Port},asyncTimeout=1000,syncTimeout=1000,connectTimeout=1000";

    async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(_host, _port, _stop.Token);
                lock (_open) _open.AddRange([client, server]);
                _ = PipeAsync(client.GetStream(), server.GetStream());
                _ = PipeAsync(server.GetStream(), client.GetStream());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    async Task PipeAsync(Stream from, Stream to)
    {
        try { await from.CopyToAsync(to, _stop.Token); }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
    }

    // Refuses new connections and cuts the open ones.
    public async Task StopAsync()
    {
        if (_stop.IsCancellationRequested) return;
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open) { foreach (var c in _open) c.Dispose(); _open.Clear(); }
        await _accepting;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
