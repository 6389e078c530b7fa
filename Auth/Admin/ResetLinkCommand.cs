using System.Globalization;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// `admin reset-link --email E`: the operator's way back in for a user no mail reaches (no SMTP
// set up yet, a dead mailbox). The link is printed once and stored only as its hash, like a mailed one.
public static class ResetLinkCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string? email, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            error.WriteLine("Name the account with --email <email>.");
            return AdminCommandRunner.Failed;
        }
        var user = await services.GetRequiredService<IUserStore>().FindByEmailAsync(InputRules.NormalizeEmail(email), ct);
        if (user is null)
        {
            error.WriteLine($"There is no account with the email {email.Trim()}.");
            return AdminCommandRunner.Failed;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var issued = await services.GetRequiredService<AccountTokens>()
            .IssueAsync(user.Id, AccountTokenKinds.PasswordReset, user.NormalizedEmail, now, ct);
        services.GetRequiredService<AuditTrail>().CommandResetLinkCreated(user.Id);

        var origin = services.GetRequiredService<IOptions<TokenOptions>>().Value.PublicBaseUrl;
        if (origin is null)
            error.WriteLine("MiniAuth:PublicUrl is not set: put the service's address in front of the link (https://auth.example.com/#reset=…).");
        output.WriteLine(MailLinks.Reset(origin ?? "", issued.Token));
        output.WriteLine($"It resets the password of {user.Email} once, until {issued.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}; " +
            "earlier reset links of the account no longer work.");
        return AdminCommandRunner.Ok;
    }
}
