using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Mfa;
using MiniAuth.Auth.Recovery;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// `admin disable|enable|delete|set-roles|end-sessions --email E | --user-id I`: the rules of the
// admin API (AdminUsersApi). The last enabled admin is refused in the store under its lock; a
// command has no account of its own, so there is no "self" to protect.
public static class AccountCommands
{
    public static async Task<int> SetDisabledAsync(IServiceProvider services, AdminCommand command, bool disabled,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (await FindAsync(services, command, error, ct) is not { } user) return AdminCommandRunner.Failed;
        var result = await services.GetRequiredService<IUserStore>().TryChangeAsync(user.Id, new UserChanges(Disabled: disabled), AdminRole.Name, ct);
        if (Refused(services, command.Name, user, result.Outcome, error) is { } refused) return refused;

        // As the API: disabling ends every session at once, so the access tokens stop working too.
        var ended = disabled
            ? await services.GetRequiredService<ISessionStore>().RevokeAllForUserAsync(user.Id, RevocationReasons.AccountDisabled,
                services.GetRequiredService<TimeProvider>().GetUtcNow(), null, ct)
            : 0;
        services.GetRequiredService<AuditTrail>().CommandUserUpdated(user.Id, $"disabled={(disabled ? "true" : "false")}", ended);
        output.WriteLine(disabled
            ? $"Disabled user {user.Id} ({user.Email}); ended {ended} sessions. It can no longer log in, restore or reset its password."
            : $"Enabled user {user.Id} ({user.Email}).");
        return AdminCommandRunner.Ok;
    }

    public static async Task<int> SetRolesAsync(IServiceProvider services, AdminCommand command, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        if (command.Get("role") is not { } given)
        {
            error.WriteLine("Give the roles with --role <role>[,<role>…] (--role \"\" for none).");
            return AdminCommandRunner.Usage;
        }
        var roles = UserCommands.RolesOf(given);
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckRoles(roles, errors, "role");
        if (errors.Count > 0) return AdminCommandRunner.Invalid(errors, error);
        if (await FindAsync(services, command, error, ct) is not { } user) return AdminCommandRunner.Failed;

        var result = await services.GetRequiredService<IUserStore>().TryChangeAsync(user.Id, new UserChanges(Roles: roles), AdminRole.Name, ct);
        if (Refused(services, command.Name, user, result.Outcome, error) is { } refused) return refused;
        var now = string.Join(",", result.User!.Roles);
        services.GetRequiredService<AuditTrail>().CommandUserUpdated(user.Id, $"roles={now}", 0);
        output.WriteLine($"User {user.Id} ({user.Email}) has roles {(now == "" ? "(none)" : now)}; they show in its next access token.");
        return AdminCommandRunner.Ok;
    }

    // The account first (refused for the last admin), then its sessions, one-time tokens and second
    // factors (LiteDB has no cascade), as the API's deleteUser.
    public static async Task<int> DeleteAsync(IServiceProvider services, AdminCommand command, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        if (await FindAsync(services, command, error, ct) is not { } user) return AdminCommandRunner.Failed;
        var outcome = await services.GetRequiredService<IUserStore>().TryDeleteAsync(user.Id, AdminRole.Name, ct);
        if (Refused(services, command.Name, user, outcome, error) is { } refused) return refused;

        var ended = await services.GetRequiredService<ISessionStore>().RevokeAllForUserAsync(user.Id, RevocationReasons.AccountDeleted,
            services.GetRequiredService<TimeProvider>().GetUtcNow(), null, ct);
        await services.GetRequiredService<AccountTokens>().DeleteAsync(user.Id, null, ct);
        await services.GetRequiredService<MfaMethods>().RemoveAllAsync(user.Id, ct);
        services.GetRequiredService<AuditTrail>().CommandUserDeleted(user.Id, ended);
        output.WriteLine($"Deleted user {user.Id} ({user.Email}); ended {ended} sessions.");
        return AdminCommandRunner.Ok;
    }

    public static async Task<int> EndSessionsAsync(IServiceProvider services, AdminCommand command, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        if (await FindAsync(services, command, error, ct) is not { } user) return AdminCommandRunner.Failed;
        var count = await services.GetRequiredService<ISessionStore>().RevokeAllForUserAsync(user.Id, RevocationReasons.ForcedByAdmin,
            services.GetRequiredService<TimeProvider>().GetUtcNow(), null, ct);
        services.GetRequiredService<AuditTrail>().CommandSessionsEnded(user.Id, count);
        output.WriteLine($"Ended {count} sessions of user {user.Id} ({user.Email}).");
        return AdminCommandRunner.Ok;
    }

    // The user named by --user-id or --email, or null with the reason written.
    internal static async Task<UserRecord?> FindAsync(IServiceProvider services, AdminCommand command, TextWriter error, CancellationToken ct)
    {
        var users = services.GetRequiredService<IUserStore>();
        var user = command.Get("user-id") is { Length: > 0 } id ? await users.FindByIdAsync(id, ct)
            : command.Get("email") is { Length: > 0 } email && InputRules.CouldBeStored(InputRules.NormalizeEmail(email))
                ? await users.FindByEmailAsync(InputRules.NormalizeEmail(email), ct)
            : null;
        if (user is null)
            error.WriteLine(string.IsNullOrEmpty(command.Get("user-id")) && string.IsNullOrEmpty(command.Get("email"))
                ? "Name the user with --email <email> or --user-id <id>."
                : "There is no such user.");
        return user;
    }

    static int? Refused(IServiceProvider services, string operation, UserRecord user, UserChangeOutcome outcome, TextWriter error)
    {
        if (outcome == UserChangeOutcome.NotFound)
        {
            error.WriteLine("There is no such user.");
            return AdminCommandRunner.Failed;
        }
        if (outcome != UserChangeOutcome.LastHolder) return null;
        services.GetRequiredService<AuditTrail>().CommandChangeRefused(operation, user.Id, "last_admin");
        error.WriteLine($"Refused: user {user.Id} ({user.Email}) is the last enabled admin. Make another account admin first.");
        return AdminCommandRunner.Failed;
    }
}
