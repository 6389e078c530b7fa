using System.Globalization;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Admin;

// `admin invite [--email E] [--role R[,R…]]`: a signup invite from the command line, for the
// first users of an InviteOnly service. The code is printed once and stored only as its hash.
public static class InviteCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string? email, string? roles, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (email is not null) InputRules.CheckEmail(email, errors);
        var pinned = email is not null && errors.Count == 0 ? InputRules.NormalizeEmail(email) : null;
        if (pinned is not null && !services.GetRequiredService<IOptions<SignupOptions>>().Value.AllowsDomainOf(pinned))
            errors["email"] = ["This email's domain is not in MiniAuth:Signup:AllowedEmailDomains."];
        List<string> roleList = roles is null ? [] : [.. roles.Split(',', StringSplitOptions.TrimEntries)];
        InputRules.CheckRoles(roleList, errors, "role");
        if (errors.Count > 0)
        {
            foreach (var (field, messages) in errors) error.WriteLine($"{field}: {string.Join(" ", messages)}");
            return AdminCommandRunner.Usage;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var issued = await services.GetRequiredService<Invites>().IssueAsync("", pinned, roleList, now, ct);
        services.GetRequiredService<AuditTrail>().CommandInviteCreated(issued.Id, string.Join(",", roleList), pinned is not null);

        var origin = services.GetRequiredService<IOptions<TokenOptions>>().Value.PublicBaseUrl;
        if (origin is null)
            error.WriteLine("MiniAuth:PublicUrl is not set: put the service's address in front of the link (https://auth.example.com/#invite=…).");
        output.WriteLine($"code: {issued.Code}");
        output.WriteLine($"link: {MailLinks.Invite(origin ?? "", issued.Code)}");
        output.WriteLine($"It admits one signup{(pinned is null ? "" : $" with the email {email!.Trim()}")}" +
            $"{(roleList.Count == 0 ? "" : $" with roles {string.Join(",", roleList)}")}, until {issued.ExpiresAt.ToString("O", CultureInfo.InvariantCulture)}.");
        return AdminCommandRunner.Ok;
    }
}
