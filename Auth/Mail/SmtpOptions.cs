namespace MiniAuth.Auth.Mail;

// MiniAuth:Mail:Smtp. Checked by MailOptions, which knows whether a host is set.
public sealed class SmtpOptions
{
    // Unset: mails go to the outbox folder instead.
    public string? Host { get; set; }

    // 587 is submission with STARTTLS, what mail providers hand out; 465 is SslOnConnect.
    public int Port { get; set; } = 587;

    public MailSecurity Security { get; set; } = MailSecurity.StartTls;

    // Set: the sender authenticates (PLAIN/LOGIN over the TLS above).
    public string? User { get; set; }
    public string? Password { get; set; }
}
