using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Console;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage.LiteDb;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// `MiniAuth admin <command>`: the same binary, configuration and store as the service, for
// self-hosters without an admin client. Configuration comes as for the service (appsettings.json,
// MiniAuth__… environment variables, --MiniAuth:Key=value). A LiteDB store that a running
// instance holds is refused with a message that says so.
public static class AdminCommands
{
    public const int Ok = 0, Failed = 1, Usage = 2, StoreLocked = 3;

    const string Help = """
        Usage: MiniAuth admin <command> [options]

          create-user --email <email> [--name <name>] [--role admin]
                                   Create a user; the password is read from standard input
                                   (one line), or prompted for without echo on a terminal.
          list-users               List every user: id, email, roles, created, live sessions.
          end-sessions --email <email> | --user-id <id>
                                   End every session of a user at once (forced by admin).
          rotate-signing-key       Add a new ES256 key. A service publishes it at its next
                                   key reload (at start, or within ReloadInterval); it
                                   signs from twice MiniAuth:SigningKeys:ReloadInterval
                                   after now on (the time is printed), an older key until
                                   then. Older keys keep verifying until their tokens
                                   have expired. With the LiteDB store, restart the
                                   service within that time, or the key signs from the
                                   start without having been published first.
          revoke-signing-key --kid <kid> [--end-sessions]
                                   For a compromised key: remove it from the store, so
                                   the service no longer publishes it and refuses every
                                   token it signed (a running instance within
                                   ReloadInterval). If it was the only unretired key, a
                                   new one signs at once; the key that signs now is
                                   printed. --end-sessions also ends every session of
                                   every user (forced by admin): everyone logs in again.
          reset-link --email <email>
                                   Print a one-time password reset link for the account
                                   (MiniAuth:PublicUrl + /#reset=<token>), for when no mail
                                   reaches its owner. It replaces the account's earlier reset
                                   links and works once, within
                                   MiniAuth:PasswordReset:TokenLifetime.
          invite [--email <email>] [--role <role>[,<role>…]]
                                   Print a single-use signup invite (code and link), for
                                   MiniAuth:Signup:Mode InviteOnly; --email pins it to one
                                   address, --role gives the new account those roles. It
                                   works until MiniAuth:Signup:InviteLifetime has passed.

        Stop the service first when it uses the LiteDB store: one process holds the file.
        """;

    public static bool Requested(string[] args) => args is ["admin", ..];

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args,
        TextReader? input = null, TextWriter? output = null, TextWriter? error = null)
    {
        input ??= Console.In;
        output ??= Console.Out;
        error ??= Console.Error;

        if (Parse(args[1..]) is not { } command)
        {
            error.WriteLine(Help);
            return Usage;
        }

        // The host read the arguments before they were parsed here, and it takes a flag's next
        // argument as the flag's value ("--end-sessions --MiniAuth:Storage:Path=…" loses the path):
        // the configuration arguments are read again, on their own, last so that they win.
        builder.Configuration.AddCommandLine(command.Configuration);

        // Logs, the audit trail among them, go to standard error: standard output is the answer.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);

        await using var app = builder.Build();
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            var services = app.Services;
            var ct = CancellationToken.None;
            return command.Name switch
            {
                "create-user" => await CreateUserAsync(services, command, input, output, error, ct),
                "list-users" => await ListUsersAsync(services, output, ct),
                "end-sessions" => await EndSessionsAsync(services, command, output, error, ct),
                "rotate-signing-key" => await RotateSigningKeyAsync(services, output, ct),
                "revoke-signing-key" => await RevokeSigningKeyAsync(services, command, output, error, ct),
                "reset-link" => await ResetLinkCommand.RunAsync(services, command.Get("email"), output, error, ct),
                "invite" => await InviteCommand.RunAsync(services, command.Get("email"), command.Get("role"), output, error, ct),
                _ => throw new InvalidOperationException(command.Name),
            };
        }
        catch (StoreLockedException locked)
        {
            error.WriteLine($"Refusing to run: {locked.Message}");
            return StoreLocked;
        }
        catch (OptionsValidationException invalid)
        {
            foreach (var failure in invalid.Failures) error.WriteLine(failure);
            return Usage;
        }
    }

    static async Task<int> CreateUserAsync(IServiceProvider services, Command command, TextReader input,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        var email = command.Get("email");
        var name = command.Get("name");
        var role = command.Get("role");
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckEmail(email, errors);
        InputRules.CheckName(name, errors);
        if (role is not (null or AdminRole.Name)) errors["role"] = [$"The only role is '{AdminRole.Name}'."];
        var password = errors.Count == 0 ? ReadPassword(input, error) : null;
        if (errors.Count == 0) services.GetRequiredService<PasswordPolicy>().Check(password, "password", errors);
        if (errors.Count > 0)
        {
            foreach (var (field, messages) in errors) error.WriteLine($"{field}: {string.Join(" ", messages)}");
            return Usage;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var user = UserRecord.Create(email!, InputRules.NormalizeEmail(email!), name,
            await services.GetRequiredService<PasswordHasher>().HashAsync(password!, ct), role is null ? [] : [role], now,
            emailVerified: true);
        if (!await services.GetRequiredService<IUserStore>().TryCreateAsync(user, ct))
        {
            error.WriteLine($"An account with the email {user.Email} already exists.");
            return Failed;
        }
        services.GetRequiredService<AuditTrail>().CommandUserCreated(user.Id, string.Join(",", user.Roles));
        output.WriteLine($"Created user {user.Id} ({user.Email}){(role is null ? "" : $" with role {role}")}.");
        return Ok;
    }

    static async Task<int> ListUsersAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var sessions = services.GetRequiredService<ISessionStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        output.WriteLine("id\temail\troles\tcreatedAt\tliveSessions");
        foreach (var user in await services.GetRequiredService<IUserStore>().ListAsync(ct))
        {
            var live = (await sessions.ListForUserAsync(user.Id, ct)).Count(s => s.IsActiveAt(now));
            output.WriteLine(string.Join('\t', user.Id, user.Email, string.Join(",", user.Roles),
                user.CreatedAt.ToString("O", CultureInfo.InvariantCulture), live));
        }
        return Ok;
    }

    static async Task<int> EndSessionsAsync(IServiceProvider services, Command command, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        var users = services.GetRequiredService<IUserStore>();
        var user = command.Get("user-id") is { } id ? await users.FindByIdAsync(id, ct)
            : command.Get("email") is { } email ? await users.FindByEmailAsync(InputRules.NormalizeEmail(email), ct)
            : null;
        if (user is null)
        {
            error.WriteLine(command.Get("user-id") is null && command.Get("email") is null
                ? "Name the user with --email <email> or --user-id <id>."
                : "There is no such user.");
            return Failed;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var count = await services.GetRequiredService<ISessionStore>()
            .RevokeAllForUserAsync(user.Id, RevocationReasons.ForcedByAdmin, now, null, ct);
        services.GetRequiredService<AuditTrail>().CommandSessionsEnded(user.Id, count);
        output.WriteLine($"Ended {count} sessions of user {user.Id} ({user.Email}).");
        return Ok;
    }

    static async Task<int> RotateSigningKeyAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var rotated = await services.GetRequiredService<SigningKeyRing>().RotateAsync(ct);
        var signsFrom = rotated.SignsFrom.ToString("O", CultureInfo.InvariantCulture);
        services.GetRequiredService<AuditTrail>().CommandSigningKeyRotated(rotated.KeyId, signsFrom);
        // A service reads the store at start and every ReloadInterval: by SignsFrom every running
        // instance publishes the key, and one started later reads it at its start.
        output.WriteLine($"Key {rotated.KeyId} is published by the service at its next key reload (at start, or within " +
            $"MiniAuth:SigningKeys:ReloadInterval) and signs from {signsFrom} on; until then an older key signs. " +
            "Older keys keep verifying until their tokens have expired.");
        return Ok;
    }

    static async Task<int> RevokeSigningKeyAsync(IServiceProvider services, Command command, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        if (command.Get("kid") is not { } kid)
        {
            error.WriteLine("Name the key with --kid <kid> (the kid of its tokens' header, or of the JWKS).");
            return Failed;
        }
        var ring = services.GetRequiredService<SigningKeyRing>();
        // Loaded first, so that a store that cannot be opened (an encryption key missing) is not changed.
        await ring.LoadAsync(ct);
        if (await ring.RevokeAsync(kid, ct) is not { } revoked)
        {
            error.WriteLine($"There is no signing key {kid} in the store.");
            return Failed;
        }
        int? ended = null;
        if (command.Get("end-sessions") is not null)
        {
            var sessions = services.GetRequiredService<ISessionStore>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            ended = 0;
            foreach (var user in await services.GetRequiredService<IUserStore>().ListAsync(ct))
                ended += await sessions.RevokeAllForUserAsync(user.Id, RevocationReasons.ForcedByAdmin, now, null, ct);
        }
        services.GetRequiredService<AuditTrail>().CommandSigningKeyRevoked(revoked.KeyId, revoked.SigningKeyId, ended);
        output.WriteLine($"Revoked key {revoked.KeyId}: every token it signed is refused from now on (by a running service " +
            $"within MiniAuth:SigningKeys:ReloadInterval). Key {revoked.SigningKeyId} signs now.");
        if (ended is not null) output.WriteLine($"Ended {ended} sessions.");
        return Ok;
    }

    static string? ReadPassword(TextReader input, TextWriter error)
    {
        if (!ReferenceEquals(input, Console.In) || Console.IsInputRedirected) return input.ReadLine();
        error.Write("Password: ");
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace) { if (password.Length > 0) password.Length--; }
            else if (!char.IsControl(key.KeyChar)) password.Append(key.KeyChar);
        }
        error.WriteLine();
        return password.ToString();
    }

    sealed record Command(string Name, Dictionary<string, string> Options, string[] Configuration)
    {
        public string? Get(string option) => Options.GetValueOrDefault(option);
    }

    static readonly Dictionary<string, string[]> KnownOptions = new()
    {
        ["create-user"] = ["email", "name", "role"],
        ["list-users"] = [],
        ["end-sessions"] = ["email", "user-id"],
        ["rotate-signing-key"] = [],
        ["revoke-signing-key"] = ["kid", "end-sessions"],
        ["reset-link"] = ["email"],
        ["invite"] = ["email", "role"],
    };

    // Options that take no value.
    static readonly HashSet<string> Flags = ["end-sessions"];

    // --option value or --option=value; --Section:Key[=value] is configuration, left to the host.
    static Command? Parse(string[] args)
    {
        if (args.Length == 0 || !KnownOptions.TryGetValue(args[0], out var known)) return null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var configuration = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) return null;
            var (key, value) = args[i].IndexOf('=') is var eq and > 0 ? (args[i][2..eq], args[i][(eq + 1)..]) : (args[i][2..], null);
            if (value is null && Flags.Contains(key)) value = "";
            if (value is null)
            {
                if (i + 1 >= args.Length) return null;
                value = args[++i];
            }
            if (key.Contains(':'))
            {
                configuration.Add($"--{key}={value}");
                continue;
            }
            if (!known.Contains(key)) return null;
            options[key] = value;
        }
        return new Command(args[0], options, configuration.ToArray());
    }
}
