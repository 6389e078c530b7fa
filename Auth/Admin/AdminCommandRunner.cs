namespace MiniAuth.Auth.Admin;

// The one implementation of every command, run by `MiniAuth admin` on the store it opened
// itself, and by a running service for a command that came through its admin socket.
public static class AdminCommandRunner
{
    public const int Ok = 0, Failed = 1, Usage = 2, StoreLocked = 3;

    public static Task<int> RunAsync(IServiceProvider services, AdminCommand command, TextReader input, TextWriter output,
        TextWriter error, CancellationToken ct) => command.Name switch
    {
        "create-user" => UserCommands.CreateUserAsync(services, command, input, output, error, ct),
        "list-users" => UserCommands.ListUsersAsync(services, command, output, error, ct),
        "disable" => AccountCommands.SetDisabledAsync(services, command, true, output, error, ct),
        "enable" => AccountCommands.SetDisabledAsync(services, command, false, output, error, ct),
        "delete" => AccountCommands.DeleteAsync(services, command, output, error, ct),
        "set-roles" => AccountCommands.SetRolesAsync(services, command, output, error, ct),
        "end-sessions" => AccountCommands.EndSessionsAsync(services, command, output, error, ct),
        "rotate-signing-key" => SigningKeyCommands.RotateAsync(services, output, ct),
        "revoke-signing-key" => SigningKeyCommands.RevokeAsync(services, command, output, error, ct),
        "reset-link" => ResetLinkCommand.RunAsync(services, command.Get("email"), output, error, ct),
        "invite" => InviteCommand.RunAsync(services, command.Get("email"), command.Get("role"), output, error, ct),
        "audit" => AuditCommand.RunAsync(services, command, output, error, ct),
        "backup" => BackupCommands.BackupAsync(services, command.Argument!, output, error, ct),
        _ => throw new InvalidOperationException(command.Name),
    };

    // A field's messages, one line each, as the API's validation problem lists them.
    public static int Invalid(Dictionary<string, string[]> errors, TextWriter error)
    {
        foreach (var (field, messages) in errors) error.WriteLine($"{field}: {string.Join(" ", messages)}");
        return Usage;
    }
}
