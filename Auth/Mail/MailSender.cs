using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MiniAuth.Auth.Mail;

// Sends the spooled mails through SMTP and deletes each once the server took it. A failure waits
// and retries (longer each time, on the service's clock) and is logged with the recipient's
// domain at most: never the address, the body or its link. It must not stop the host.
internal sealed partial class MailSender(MailSpool spool, MailOutbox outbox, IOptions<MailOptions> options, TimeProvider time,
    ILogger<MailSender> logger) : BackgroundService
{
    // Long enough for a slow provider, short enough that a hung one is noticed.
    const int SmtpTimeoutMilliseconds = 60_000;

    readonly DateTimeOffset _startedAt = time.GetUtcNow();
    // A server that cannot be reached holds back every mail; a mail it refused waits alone.
    readonly Dictionary<string, Backoff> _refused = new(StringComparer.Ordinal);
    Backoff? _unreachable;

    readonly record struct Backoff(int Failures, DateTimeOffset NextAttempt);

    // Said before the host counts as started, so the operator reads where mail goes first thing.
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.UsesSmtp)
        {
            LogOutbox(outbox.Folder);
            var moved = outbox.TakeOver(spool.Pending());
            if (moved > 0) LogMovedToOutbox(moved);
            return Task.CompletedTask;
        }
        LogSmtp(settings.Smtp.Host!, settings.Smtp.Port, spool.Folder);
        spool.DeleteUnfinished(_startedAt);
        return base.StartAsync(cancellationToken);
    }

    // Files left from a previous run are in the first pass.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = await SendDueAsync(stoppingToken);
            await spool.WaitForWorkAsync(next - time.GetUtcNow(), stoppingToken);
        }
    }

    // One pass over the spool; returns when the next retry is due, or null when nothing waits.
    internal async Task<DateTimeOffset?> SendDueAsync(CancellationToken ct)
    {
        try
        {
            var pending = spool.Pending();
            foreach (var gone in _refused.Keys.Except(pending).ToList()) _refused.Remove(gone);
            if (pending.Count == 0)
            {
                _unreachable = null;
                return null;
            }
            var now = time.GetUtcNow();
            if (_unreachable is { } wait && wait.NextAttempt > now) return wait.NextAttempt;
            var due = pending.Where(file => !_refused.TryGetValue(file, out var refused) || refused.NextAttempt <= now).ToList();
            if (due.Count > 0) await SendAsync(due, now, ct);
            return NextAttempt();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogPassFailed(e);
            _unreachable = Next(_unreachable, time.GetUtcNow());
            return NextAttempt();
        }
    }

    async Task SendAsync(List<string> due, DateTimeOffset now, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient { Timeout = SmtpTimeoutMilliseconds };
        if (!await ConnectAsync(client, smtp, due.Count, now, ct)) return;
        foreach (var file in due)
        {
            if (!await SendOneAsync(client, file, now, ct)) break;
        }
        try { await client.DisconnectAsync(quit: true, ct); }
        catch (Exception e) when (e is IOException or MailKit.ProtocolException or SmtpCommandException) { }
    }

    async Task<bool> ConnectAsync(SmtpClient client, SmtpOptions smtp, int waiting, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await client.ConnectAsync(smtp.Host!, smtp.Port, Socket(smtp.Security), ct);
            if (!string.IsNullOrEmpty(smtp.User)) await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
            _unreachable = null;
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Connection, TLS and login errors name the server, never a recipient.
            _unreachable = Next(_unreachable, now);
            LogUnreachable(smtp.Host!, smtp.Port, e.Message, waiting, _unreachable.Value.NextAttempt - now);
            return false;
        }
    }

    // False: the connection is gone, the rest wait for the next pass.
    async Task<bool> SendOneAsync(SmtpClient client, string file, DateTimeOffset now, CancellationToken ct)
    {
        MimeMessage message;
        try { message = await MimeMessage.LoadAsync(file, ct); }
        catch (FormatException)
        {
            File.Move(file, file + ".unreadable");
            LogUnreadable(Path.GetFileName(file) + ".unreadable");
            return true;
        }
        var domain = message.To.Mailboxes.FirstOrDefault()?.Domain ?? "";
        if (now - MailFile.WrittenAt(file) > options.Value.GiveUpAfter)
        {
            File.Delete(file);
            LogGaveUp(domain, options.Value.GiveUpAfter);
            return true;
        }
        try
        {
            await client.SendAsync(message, ct);
            File.Delete(file);
            _refused.Remove(file);
            LogSent(domain);
            return true;
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500 && e.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            // The server's text is not logged: it usually quotes the address.
            File.Delete(file);
            LogRejected(domain, (int)e.StatusCode);
            return true;
        }
        catch (SmtpCommandException e)
        {
            var wait = Next(_refused.TryGetValue(file, out var before) ? before : null, now);
            _refused[file] = wait;
            LogRefused(domain, (int)e.StatusCode, e.ErrorCode, wait.NextAttempt - now);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is IOException or MailKit.ProtocolException or ServiceNotConnectedException)
        {
            _unreachable = Next(_unreachable, now);
            LogConnectionLost(domain, _unreachable.Value.NextAttempt - now);
            return false;
        }
    }

    Backoff Next(Backoff? before, DateTimeOffset now)
    {
        var failures = (before?.Failures ?? 0) + 1;
        var settings = options.Value;
        var delay = TimeSpan.FromTicks(Math.Min(settings.MaxRetryDelay.Ticks, settings.RetryDelay.Ticks * (1L << Math.Min(failures - 1, 30))));
        return new Backoff(failures, now + delay);
    }

    // Every time here is in the future: a mail not tried this pass is behind _unreachable.
    DateTimeOffset? NextAttempt() =>
        _unreachable?.NextAttempt ?? (_refused.Count > 0 ? _refused.Values.Min(wait => wait.NextAttempt) : null);

    static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.Auto => SecureSocketOptions.Auto,
        MailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "No MiniAuth:Mail:Smtp:Host is set: mails are not sent but written to {Folder}, one .eml file each")]
    partial void LogOutbox(string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} mails left in the spool were moved to the outbox: no SMTP host is set")]
    partial void LogMovedToOutbox(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail goes through {Host}:{Port}; mails not yet sent wait in {Folder}")]
    partial void LogSmtp(string host, int port, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent a mail to a recipient at {Domain}")]
    partial void LogSent(string domain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mail server {Host}:{Port} could not be used ({Reason}); {Count} mails wait, next try in {Delay}")]
    partial void LogUnreachable(string host, int port, string reason, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mail server lost the connection while sending a mail to {Domain}; next try in {Delay}")]
    partial void LogConnectionLost(string domain, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mail server refused a mail to {Domain} for now (SMTP {Status}, {Refusal}); next try in {Delay}")]
    partial void LogRefused(string domain, int status, SmtpErrorCode refusal, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "The mail server refused a mail to {Domain} for good (SMTP {Status}); it was dropped")]
    partial void LogRejected(string domain, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "A mail to {Domain} was still unsent after {Age}; it was dropped (its link has expired)")]
    partial void LogGaveUp(string domain, TimeSpan age);

    [LoggerMessage(Level = LogLevel.Error, Message = "A spooled mail could not be read; it was set aside as {File}")]
    partial void LogUnreadable(string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending the spooled mails failed; retrying later")]
    partial void LogPassFailed(Exception exception);
}
