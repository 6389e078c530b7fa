using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace MiniAuth.Auth.Admin;

// `MiniAuth admin …` when a running service holds the LiteDB store: the command goes to the
// service's admin socket, and its output, errors and exit code come back as if run here.
public static class AdminSocketClient
{
    static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string socketPath, IReadOnlyList<string> args, string? input, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connecting.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), connecting.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ArgumentException)
        {
            error.WriteLine($"Refusing to run: the store is in use by another MiniAuth process, and its admin socket {socketPath} " +
                $"does not answer ({e.Message}). Stop the service to run the command on the store directly.");
            return AdminCommandRunner.StoreLocked;
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(AdminSocket.Request(args, input), ct);
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            using var frame = JsonDocument.Parse(line);
            var root = frame.RootElement;
            if (root.TryGetProperty("out", out var text)) await output.WriteAsync(text.GetString());
            else if (root.TryGetProperty("err", out text)) await error.WriteAsync(text.GetString());
            else if (root.TryGetProperty("exit", out var code)) return code.GetInt32();
            await output.FlushAsync(ct);
        }
        error.WriteLine("The service closed the admin socket before the command finished.");
        return AdminCommandRunner.Failed;
    }
}
