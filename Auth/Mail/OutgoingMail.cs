namespace MiniAuth.Auth.Mail;

// One mail to send: the template names what it says, Values fill its {{placeholders}}. Values may
// hold a token (a reset link): a mail is never logged with them.
public sealed record OutgoingMail(string To, string Template, IReadOnlyDictionary<string, string> Values);

// The mails MiniAuth sends, and the values each template gets.
public static class MailTemplates
{
    // link (PublicUrl + "/#reset=<token>"), token, expiresInMinutes
    public const string PasswordReset = "password-reset";
    // link (PublicUrl + "/#verify=<token>"), token, expiresInHours
    public const string VerifyEmail = "verify-email";
    // newEmail, resetLink (PublicUrl + "/#forgot"): to the old address, no link that undoes anything
    public const string EmailChangeNotice = "email-change-notice";
}
