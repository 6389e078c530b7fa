namespace MiniAuth.Auth.Mail;

// Where routes hand mails off. It returns once the mail is accepted (kept where a restart finds
// it), never waiting for the mail server: a slow or failing SMTP server delays mail, not answers.
public interface IMailQueue
{
    Task EnqueueAsync(OutgoingMail mail, CancellationToken ct);
}
