namespace MiniAuth.Auth.Admin;

// One parsed `admin <name> --option value …`. Configuration arguments (--Section:Key=value) are
// kept apart: they are the local process's, never sent to a running service.
public sealed record AdminCommand(string Name, IReadOnlyDictionary<string, string> Options, string? Argument, string[] Configuration)
{
    static readonly Dictionary<string, string[]> KnownOptions = new()
    {
        ["create-user"] = ["email", "name", "role"],
        ["list-users"] = ["query", "limit", "cursor"],
        ["disable"] = ["email", "user-id"],
        ["enable"] = ["email", "user-id"],
        ["delete"] = ["email", "user-id"],
        ["set-roles"] = ["email", "user-id", "role"],
        ["end-sessions"] = ["email", "user-id"],
        ["rotate-signing-key"] = [],
        ["revoke-signing-key"] = ["kid", "end-sessions"],
        ["reset-link"] = ["email"],
        ["invite"] = ["email", "role"],
        ["audit"] = ["user-id", "type", "limit", "follow"],
        ["backup"] = [],
        ["restore"] = [],
    };

    // Commands that take one path argument.
    static readonly HashSet<string> TakesPath = ["backup", "restore"];

    // Options that take no value.
    static readonly HashSet<string> Flags = ["end-sessions", "follow"];

    public string? Get(string option) => Options.GetValueOrDefault(option);

    public bool Has(string option) => Options.ContainsKey(option);

    // What a running service is sent: the command and its own options, never configuration.
    public string[] ToArguments()
    {
        var args = new List<string> { Name };
        if (Argument is not null) args.Add(Argument);
        foreach (var (key, value) in Options) args.AddRange(Flags.Contains(key) ? [$"--{key}"] : [$"--{key}", value]);
        return [.. args];
    }

    // --option value or --option=value; --Section:Key[=value] is configuration; null when unusable.
    public static AdminCommand? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || !KnownOptions.TryGetValue(args[0], out var known)) return null;
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var configuration = new List<string>();
        string? argument = null;
        for (var i = 1; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (!TakesPath.Contains(args[0]) || argument is not null) return null;
                argument = args[i];
                continue;
            }
            var (key, value) = args[i].IndexOf('=') is var eq and > 0 ? (args[i][2..eq], args[i][(eq + 1)..]) : (args[i][2..], null);
            if (value is null && Flags.Contains(key)) value = "";
            if (value is null)
            {
                if (i + 1 >= args.Count) return null;
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
        if (TakesPath.Contains(args[0]) && string.IsNullOrWhiteSpace(argument)) return null;
        return new AdminCommand(args[0], options, argument, [.. configuration]);
    }
}
