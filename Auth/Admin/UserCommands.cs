using System.Globalization;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Mfa;
using MiniAuth.Auth.Passwords;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// `admin create-user` and `admin list-users`.
public static class UserCommands
{
    // The password is the first line of input: typed without echo, piped, or sent by the client
    // of the admin socket (which read it the same way).
    public static async Task<int> CreateUserAsync(IServiceProvider services, AdminCommand command, TextReader input,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        var email = command.Get("email");
        var name = command.Get("name");
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckEmail(email, errors);
        InputRules.CheckName(name, errors);
        var roles = RolesOf(command.Get("role"));
        InputRules.CheckRoles(roles, errors, "role");
        var password = errors.Count == 0 ? input.ReadLine() : null;
        if (errors.Count == 0) services.GetRequiredService<PasswordPolicy>().Check(password, "password", errors);
        if (errors.Count > 0) return AdminCommandRunner.Invalid(errors, error);

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var user = UserRecord.Create(email!, InputRules.NormalizeEmail(email!), name,
            await services.GetRequiredService<PasswordHasher>().HashAsync(password!, ct), roles, now, emailVerified: true);
        if (!await services.GetRequiredService<IUserStore>().TryCreateAsync(user, ct))
        {
            error.WriteLine($"An account with the email {user.Email} already exists.");
            return AdminCommandRunner.Failed;
        }
        services.GetRequiredService<AuditTrail>().CommandUserCreated(user.Id, string.Join(",", user.Roles));
        output.WriteLine($"Created user {user.Id} ({user.Email}){(roles.Count == 0 ? "" : $" with roles {string.Join(",", roles)}")}.");
        return AdminCommandRunner.Ok;
    }

    // One page, as GET /admin/users gives it; the next page's cursor goes to standard error, so
    // standard output stays one header and one tab-separated line per user.
    public static async Task<int> ListUsersAsync(IServiceProvider services, AdminCommand command, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        int? limit = null;
        if (command.Get("limit") is { } text)
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) limit = parsed;
            else errors["limit"] = [$"The limit is 1 to {UserListQuery.MaxLimit}."];
        }
        if (UserListQuery.Read(command.Get("query"), command.Get("cursor"), limit ?? UserListQuery.DefaultLimit, errors) is not { } list
            || errors.Count > 0)
            return AdminCommandRunner.Invalid(errors, error);

        var (items, next) = await list.PageAsync(services.GetRequiredService<IUserStore>(), ct);
        var sessions = services.GetRequiredService<ISessionStore>();
        var mfa = await services.GetRequiredService<MfaMethods>().EnrolledAsync(items.Select(u => u.Id).ToList(), ct);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        // mfa last, so scripts that read the columns before it by position keep working.
        output.WriteLine("id\temail\troles\tcreatedAt\tdisabled\tliveSessions\tmfa");
        foreach (var user in items)
        {
            var live = (await sessions.ListForUserAsync(user.Id, ct)).Count(s => s.IsActiveAt(now));
            var methods = mfa.GetValueOrDefault(user.Id) is { Count: > 0 } enrolled ? string.Join(",", enrolled) : "-";
            output.WriteLine(string.Join('\t', user.Id, user.Email, string.Join(",", user.Roles),
                user.CreatedAt.ToString("O", CultureInfo.InvariantCulture), user.Disabled ? "disabled" : "enabled", live, methods));
        }
        services.GetRequiredService<AuditTrail>().CommandListedUsers(items.Count, list.Search is not null);
        if (next is not null) error.WriteLine($"More users: run again with --cursor {next}");
        return AdminCommandRunner.Ok;
    }

    // "admin,editor" or "admin, editor"; "" is no role at all.
    public static List<string> RolesOf(string? roles) =>
        string.IsNullOrWhiteSpace(roles) ? [] : [.. roles.Split(',', StringSplitOptions.TrimEntries)];
}
