using System.ComponentModel.DataAnnotations;
using MimeKit;

namespace MiniAuth.Auth.Mail;

// MiniAuth:Mail. With no Smtp:Host every setting may stay unset: mails go to the outbox folder.
public sealed class MailOptions : IValidatableObject
{
    public const string Section = "MiniAuth:Mail";

    // Where mails come from, "Name <address>" or a bare address. Required once mails are sent.
    public string? From { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    // A folder whose files override the built-in templates (<template>.subject.txt, .txt, .html).
    public string? TemplatesPath { get; set; }

    // A failed send waits RetryDelay, then twice as long each time, up to MaxRetryDelay; a mail
    // still unsent after GiveUpAfter is dropped (its link has expired by then: 2 days is the
    // longest default token lifetime).
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(2);

    public bool UsesSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);

    // Used for the outbox when From is unset.
    internal MailboxAddress Sender => From is { } from ? MailboxAddress.Parse(from) : new MailboxAddress("MiniAuth", "miniauth@localhost");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (From is not null && !IsAddress(From))
            yield return Fail("MiniAuth:Mail:From must be a mail address, e.g. \"MiniAuth <no-reply@example.com>\".", nameof(From));
        if (UsesSmtp && From is null)
            yield return Fail("MiniAuth:Mail:From must be set when MiniAuth:Mail:Smtp:Host is, e.g. \"MiniAuth <no-reply@example.com>\".", nameof(From));
        if (Smtp.Port is < 1 or > 65535)
            yield return Fail("MiniAuth:Mail:Smtp:Port must be between 1 and 65535 (587 for StartTls, 465 for SslOnConnect).", nameof(Smtp));
        if (!Enum.IsDefined(Smtp.Security))
            yield return Fail("MiniAuth:Mail:Smtp:Security must be None, Auto, StartTls or SslOnConnect.", nameof(Smtp));
        if (!string.IsNullOrEmpty(Smtp.Password) && string.IsNullOrEmpty(Smtp.User))
            yield return Fail("MiniAuth:Mail:Smtp:User must be set with MiniAuth:Mail:Smtp:Password.", nameof(Smtp));
        if (TemplatesPath is not null && !Directory.Exists(TemplatesPath))
            yield return Fail($"MiniAuth:Mail:TemplatesPath: there is no folder at {Path.GetFullPath(TemplatesPath)}.", nameof(TemplatesPath));
        if (RetryDelay <= TimeSpan.Zero)
            yield return Fail("MiniAuth:Mail:RetryDelay must be positive, e.g. 00:01:00.", nameof(RetryDelay));
        if (MaxRetryDelay < RetryDelay)
            yield return Fail("MiniAuth:Mail:MaxRetryDelay must be at least MiniAuth:Mail:RetryDelay.", nameof(MaxRetryDelay));
        if (GiveUpAfter <= TimeSpan.Zero)
            yield return Fail("MiniAuth:Mail:GiveUpAfter must be positive, e.g. 2.00:00:00.", nameof(GiveUpAfter));
    }

    static bool IsAddress(string value) =>
        MailboxAddress.TryParse(value, out var address) && address.Address.Contains('@') && !address.Address.EndsWith('@');

    static ValidationResult Fail(string message, string member) => new(message, [member]);
}
