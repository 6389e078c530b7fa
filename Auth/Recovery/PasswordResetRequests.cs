using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Recovery;

// requestPasswordReset hands its request here and answers 202 at once, so the handler does the
// same work, in the same time, whether the email names an account or not. The lookup, the
// per-address limit, the token and the mail hand-off happen here, one request after another.
public sealed partial class PasswordResetRequests(IServiceProvider services, IUserStore users, ILoginFailureStore counts,
    AuditTrail audit, IOptions<PasswordResetOptions> options, ILogger<PasswordResetRequests> logger) : BackgroundService
{
    const int Capacity = 1000;
    static readonly TimeSpan MailWindow = TimeSpan.FromHours(1);

    // Bounded: a flood of requests costs memory up to Capacity, and beyond it requests are dropped
    // (and logged), the answer unchanged.
    readonly Channel<ResetRequest> _queue = Channel.CreateBounded<ResetRequest>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public void Queue(ResetRequest request)
    {
        if (!_queue.Writer.TryWrite(request)) LogDropped(Capacity);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken)) await HandleAsync(request, stoppingToken);
    }

    // A request that fails is logged (without the email) and dropped; the worker goes on.
    internal async Task HandleAsync(ResetRequest request, CancellationToken ct)
    {
        try
        {
            var user = await users.FindByEmailAsync(request.NormalizedEmail, ct);
            // Counted for unknown addresses too, in the store, so a restart does not reset it.
            var sent = await counts.RecordFailureAsync(MailKey(request.NormalizedEmail), request.RequestedAt, MailWindow, ct);
            if (sent.Count > options.Value.MailsPerHour)
            {
                audit.PasswordResetSuppressed(user?.Id, request.ClientIp);
                return;
            }
            audit.PasswordResetRequested(user?.Id, request.ClientIp);
            // A disabled account's reset would be refused (403 account_disabled): no mail for it.
            if (user is null || user.Disabled) return;
            // Resolved when due: the mail queue is the mail delivery's (MailServices.AddMail).
            await services.GetRequiredService<RecoveryMails>().SendResetAsync(user, request.Origin, request.RequestedAt, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    // Opaque: the store never holds the address in clear.
    static string MailKey(string normalizedEmail) =>
        "reset-mail:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Password reset request dropped: {Capacity} requests are waiting already")]
    partial void LogDropped(int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "A password reset request failed; no mail was sent for it")]
    partial void LogFailed(Exception exception);
}
