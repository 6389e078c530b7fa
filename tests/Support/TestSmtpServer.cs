using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Mail;
using SmtpServer.Storage;

namespace MiniAuth.Tests;

// A real SMTP server on 127.0.0.1 inside the test host (no TLS): it keeps what arrives, and a test
// awaits the next mail. Port 0 picks a free port; pass a port again to bring a server "back".
public sealed class TestSmtpServer : IAsyncDisposable
{
    readonly Channel<ReceivedMail> _received = Channel.CreateUnbounded<ReceivedMail>();
    readonly CancellationTokenSource _stop = new();
    readonly Task _running;

    public TestSmtpServer(int port = 0, string? user = null, string? password = null)
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint
                .Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                .AuthenticationRequired(user is not null)
                .AllowUnsecureAuthentication(user is not null))
            .Build();
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, started) => Port = ((IPEndPoint)started.LocalEndPoint).Port;
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        if (user is not null) services.Add(new DelegatingUserAuthenticator((u, p) =>
            {
                Logins.Enqueue(u);
                return u == user && p == password;
            }));
        // Listens before StartAsync first yields: the port is bound when this constructor returns.
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; private set; }

    public int ReceivedCount => _received.Reader.Count;

    public ConcurrentQueue<string> Logins { get; } = new();

    // Set: every mail is answered with it instead of 250 (and not kept).
    public SmtpResponse? Refuse { get; set; }
    public int Refused => _refused;
    int _refused;

    public async Task<ReceivedMail> NextAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try { return await _received.Reader.ReadAsync(deadline.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"No mail reached the test SMTP server on port {Port} within {timeout ?? TimeSpan.FromSeconds(30)}."); }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _running; }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
        {
            if (server.Refuse is { } refusal)
            {
                Interlocked.Increment(ref server._refused);
                return refusal;
            }
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, ct);
            server._received.Writer.TryWrite(new ReceivedMail(transaction.From.AsAddress(), [.. transaction.To.Select(to => to.AsAddress())], message));
            return SmtpResponse.Ok;
        }
    }
}

// The envelope as the server saw it, and the message.
public sealed record ReceivedMail(string MailFrom, IReadOnlyList<string> RcptTo, MimeMessage Message);
