using System.Globalization;
using MiniAuth.Auth.Mail;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Recovery;

// Each mail of the recovery flows: a fresh token of its kind, handed to the mail queue with the
// values its template expects (MailTemplates).
public sealed class RecoveryMails(IMailQueue queue, AccountTokens tokens)
{
    // The token stands for the address it went to: it verifies nothing once the email changed.
    public async Task SendVerificationAsync(UserRecord user, string origin, DateTimeOffset now, CancellationToken ct)
    {
        var issued = await tokens.IssueAsync(user.Id, AccountTokenKinds.EmailVerification, user.NormalizedEmail, now, ct);
        await queue.EnqueueAsync(VerifyMail(user.Email, origin, issued, now), ct);
    }

    // To the new address: the change applies when this token comes back.
    public async Task SendEmailChangeAsync(UserRecord user, string newEmail, string origin, DateTimeOffset now, CancellationToken ct)
    {
        var issued = await tokens.IssueAsync(user.Id, AccountTokenKinds.EmailChange, newEmail, now, ct);
        await queue.EnqueueAsync(VerifyMail(newEmail, origin, issued, now), ct);
    }

    public async Task SendResetAsync(UserRecord user, string origin, DateTimeOffset now, CancellationToken ct)
    {
        var issued = await tokens.IssueAsync(user.Id, AccountTokenKinds.PasswordReset, user.NormalizedEmail, now, ct);
        await queue.EnqueueAsync(new OutgoingMail(user.Email, MailTemplates.PasswordReset, new Dictionary<string, string>
        {
            ["link"] = MailLinks.Reset(origin, issued.Token),
            ["token"] = issued.Token,
            ["expiresInMinutes"] = WholeUnits((issued.ExpiresAt - now).TotalMinutes),
        }), ct);
    }

    // To the old address, after the change: nothing in it can undo anything, only a pointer to a
    // password reset for an owner who did not ask for the change.
    public Task SendEmailChangeNoticeAsync(string oldEmail, string newEmail, string origin, CancellationToken ct) =>
        queue.EnqueueAsync(new OutgoingMail(oldEmail, MailTemplates.EmailChangeNotice, new Dictionary<string, string>
        {
            ["newEmail"] = newEmail,
            ["resetLink"] = MailLinks.Forgot(origin),
        }), ct);

    static OutgoingMail VerifyMail(string to, string origin, IssuedAccountToken issued, DateTimeOffset now) =>
        new(to, MailTemplates.VerifyEmail, new Dictionary<string, string>
        {
            ["link"] = MailLinks.Verify(origin, issued.Token),
            ["token"] = issued.Token,
            ["expiresInHours"] = WholeUnits((issued.ExpiresAt - now).TotalHours),
        });

    static string WholeUnits(double value) => ((int)Math.Ceiling(value)).ToString(CultureInfo.InvariantCulture);
}
