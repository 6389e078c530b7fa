namespace MiniAuth.Auth.Accounts;

// Who may sign up (MiniAuth:Signup:Mode, AllowedEmailDomains, invites), decided in this order:
// a closed service refuses every signup, invited or not; the domain rule holds for invited
// signups too; an invite that is sent must be live (in Open mode as well, so the roles it
// promises are never silently dropped), and one pinned to an email admits only that email.
public sealed class SignupControl(Invites invites, IOptions<SignupOptions> options)
{
    public bool IsClosed => options.Value.Mode == SignupMode.Closed;

    public async Task<SignupAdmission> AdmitAsync(string normalizedEmail, string? inviteCode, DateTimeOffset now, CancellationToken ct)
    {
        var rules = options.Value;
        if (rules.Mode == SignupMode.Closed) return new SignupAdmission(SignupRefusal.Closed);
        if (!rules.AllowsDomainOf(normalizedEmail)) return new SignupAdmission(SignupRefusal.EmailDomainNotAllowed);
        if (string.IsNullOrEmpty(inviteCode))
            return new SignupAdmission(rules.Mode == SignupMode.InviteOnly ? SignupRefusal.InviteRequired : SignupRefusal.None);

        if (await invites.TakeAsync(inviteCode, now, ct) is not { } invite) return new SignupAdmission(SignupRefusal.InviteRequired);
        if (invite.PinnedNormalizedEmail is { } pinned && pinned != normalizedEmail)
        {
            await invites.GiveBackAsync(invite, ct);
            return new SignupAdmission(SignupRefusal.InviteRequired);
        }
        return new SignupAdmission(SignupRefusal.None, invite);
    }
}
