namespace MiniAuth.Auth.Mail;

// Renders the mail and keeps it on disk, then returns: MailSender does the SMTP part later, so
// a slow or dead mail server never holds up the request that sent the mail.
internal sealed class MailQueue(MailComposer composer, MailSpool spool, MailOutbox outbox, IOptions<MailOptions> options) : IMailQueue
{
    public async Task EnqueueAsync(OutgoingMail mail, CancellationToken ct)
    {
        var message = await composer.ComposeAsync(mail, ct);
        if (options.Value.UsesSmtp) await spool.AddAsync(message, mail.Template, ct);
        else await outbox.WriteAsync(message, mail.Template, ct);
    }
}
