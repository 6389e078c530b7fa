using System.Net.Sockets;

namespace MiniAuth.Tests;

// Accepts connections and never says a word: a mail server that hangs. Disposing it closes every
// connection, which the client sees as the server going away.
public sealed class SilentTcpServer : IDisposable
{
    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly List<Socket> _open = [];
    readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SilentTcpServer()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    // Completes when the first client has connected (and is waiting for a greeting).
    public Task Connected => _connected.Task;

    async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync();
                lock (_open) _open.Add(socket);
                _connected.TrySetResult();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_open) foreach (var socket in _open) socket.Dispose();
    }
}
