using System.Collections.Concurrent;
using System.Net.Sockets;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;
using MiniAuth.Storage.LiteDb;

namespace MiniAuth.Auth.Admin;

// While the service holds a LiteDB store file, `MiniAuth admin …` cannot open it: the service
// runs the command for it, through a Unix socket beside the store (<file>.admin.sock, 0600, in
// the store's 0700 folder) that only the service account's processes may use (SO_PEERCRED).
// Redis + PostgreSQL need none: the commands open those directly while the service runs.
// A client that is slow, sends too much or sends nonsense gets an answer or is cut off; it never
// stops the service or holds more than one of a few command slots.
internal sealed partial class AdminSocketServer(IServiceProvider services, IOptions<StorageOptions> storage, AuditTrail audit,
    ILogger<AdminSocketServer> logger) : BackgroundService
{
    const int Slots = 4;
    static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    readonly SemaphoreSlim _slots = new(Slots, Slots);
    readonly ConcurrentDictionary<Task, bool> _running = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = storage.Value;
        if (!OperatingSystem.IsLinux() || !options.UsesLiteDb || options.Path == ":memory:") return;
        await Task.Yield();
        var path = AdminSocket.PathFor(options.Path);
        if (!AdminSocket.Fits(path))
        {
            LogPathTooLong(path, AdminSocket.MaxPathBytes);
            return;
        }

        Socket listener;
        try
        {
            // The store's lock is held from here on: a socket file left by a crashed service is stale.
            services.GetRequiredService<LiteDbContext>();
            File.Delete(path);
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(Slots * 2);
        }
        catch (Exception e)
        {
            LogNotListening(e, path);
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptAsync(stoppingToken);
                var served = ServeAsync(client, stoppingToken);
                _running[served] = true;
                _ = served.ContinueWith(done => _running.TryRemove(done, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        catch (Exception e) { LogNotListening(e, path); }
        finally
        {
            listener.Dispose();
            try { File.Delete(path); } catch (IOException) { }
            // The commands see the stop; the store they use is closed only after they end.
            try { await Task.WhenAll(_running.Keys).WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (Exception) { }
        }
    }

    async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var _ = client;
        client.SendTimeout = (int)SendTimeout.TotalMilliseconds;
        using var stream = new NetworkStream(client, ownsSocket: false);
        var gate = new Lock();
        try
        {
            var peer = PeerCredentials.Of(client);
            if (peer.Uid != PeerCredentials.ServiceUid)
            {
                audit.AdminSocketRefused(peer.Uid, peer.Pid);
                return;
            }
            if (!await _slots.WaitAsync(0, stoppingToken))
            {
                Answer(stream, AdminCommandRunner.Failed, $"The service is running {Slots} admin commands already; try again when one has finished.");
                return;
            }
            try
            {
                await RunAsync(client, stream, gate, stoppingToken);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            LogClientGone(e.GetType().Name);
        }
        catch (Exception e)
        {
            // A command that threw (a store down): the client hears it, the service goes on.
            LogCommandFailed(e);
            try { lock (gate) Answer(stream, AdminCommandRunner.Failed, $"The command failed in the service: {e.Message}"); }
            catch (Exception) { }
        }
    }

    async Task RunAsync(Socket client, NetworkStream stream, Lock gate, CancellationToken stoppingToken)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        reading.CancelAfter(RequestTimeout);
        byte[]? line;
        try { line = await ReadLineAsync(stream, reading.Token); }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            Answer(stream, AdminCommandRunner.Usage, $"No request within {RequestTimeout.TotalSeconds:F0} s.");
            return;
        }
        if (line is null)
        {
            Answer(stream, AdminCommandRunner.Usage, $"A request is one line of at most {AdminSocket.MaxRequestBytes} bytes.");
            return;
        }
        if (AdminSocket.ReadRequest(line) is not { } request)
        {
            Answer(stream, AdminCommandRunner.Usage, "A request is one JSON object: {\"args\":[…],\"input\":…}.");
            return;
        }
        if (AdminCommand.Parse(request.Args) is not { Configuration.Length: 0 } command)
        {
            Answer(stream, AdminCommandRunner.Usage, AdminUsage.Text);
            return;
        }
        if (command.Name == "restore")
        {
            Answer(stream, AdminCommandRunner.StoreLocked, "Refusing to run: restore replaces the store this service holds. Stop the service first.");
            return;
        }

        // The command ends when the client hangs up (Ctrl+C on `audit --follow`) or the service stops.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var hangUp = CancelOnHangUpAsync(client, running);
        using var output = new AdminSocketWriter(stream, "out", gate);
        using var error = new AdminSocketWriter(stream, "err", gate);
        var code = await AdminCommandRunner.RunAsync(services, command, new StringReader(request.Input ?? ""), output, error, running.Token);
        output.Flush();
        error.Flush();
        lock (gate) stream.Write(AdminSocket.Exit(code));
        running.Cancel();
        await hangUp;
    }

    // One line, at most MaxRequestBytes; null when longer or when the client ends before its newline.
    static async Task<byte[]?> ReadLineAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[AdminSocket.MaxRequestBytes + 1];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
            if (read == 0) return null;
            var newline = Array.IndexOf(buffer, (byte)'\n', length, read);
            length += read;
            if (newline >= 0) return buffer[..newline];
        }
        return null;
    }

    static async Task CancelOnHangUpAsync(Socket client, CancellationTokenSource running)
    {
        var sink = new byte[256];
        try
        {
            while (await client.ReceiveAsync(sink, SocketFlags.None, running.Token) > 0) { }
        }
        catch (Exception) { }
        try { running.Cancel(); } catch (ObjectDisposedException) { }
    }

    static void Answer(Stream stream, int code, string message)
    {
        stream.Write(AdminSocket.Frame("err", message + "\n"));
        stream.Write(AdminSocket.Exit(code));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The admin socket path {Path} is longer than {Max} bytes: admin " +
        "commands need the service stopped. Give the store a shorter path to have them run while it serves.")]
    partial void LogPathTooLong(string path, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The admin socket {Path} is not listening: admin commands need the service stopped")]
    partial void LogNotListening(Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "An admin socket client went away ({Reason})")]
    partial void LogClientGone(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "An admin command from the socket failed")]
    partial void LogCommandFailed(Exception exception);
}
