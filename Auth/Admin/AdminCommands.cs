using System.Text;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;
using MiniAuth.Storage.LiteDb;

namespace MiniAuth.Auth.Admin;

// `MiniAuth admin <command>`: the same binary, configuration and store as the service, for
// self-hosters without an admin client. Configuration comes as for the service (appsettings.json,
// MiniAuth__… environment variables, --MiniAuth:Key=value). When a running service holds the
// LiteDB store, the command goes to it through its admin socket (AdminSocketServer); otherwise it
// opens the store itself. Either way AdminCommandRunner runs it.
public static class AdminCommands
{
    public static bool Requested(string[] args) => args is ["admin", ..];

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args,
        TextReader? input = null, TextWriter? output = null, TextWriter? error = null)
    {
        input ??= Console.In;
        output ??= Console.Out;
        error ??= Console.Error;

        if (AdminCommand.Parse(args[1..]) is not { } command)
        {
            error.WriteLine(AdminUsage.Text);
            return AdminCommandRunner.Usage;
        }
        // A relative path is the operator's, from here: the service would read it from its own folder.
        if (command.Argument is not null) command = command with { Argument = Path.GetFullPath(command.Argument) };

        // The host read the arguments before they were parsed here, and it takes a flag's next
        // argument as the flag's value ("--end-sessions --MiniAuth:Storage:Path=…" loses the path):
        // the configuration arguments are read again, on their own, last so that they win.
        builder.Configuration.AddCommandLine(command.Configuration);

        // Logs, the audit trail among them, go to standard error: standard output is the answer.
        // Clearing the providers drops the audit trail's own too: it is put back, so that what a
        // command does reaches the stored trail.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<ILoggerProvider>(provider => provider.GetRequiredService<AuditEventLogger>());

        await using var app = builder.Build();
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCtrlC;
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            var services = app.Services;
            // Read here, so that a terminal prompts without echo on either path.
            if (command.Name == "create-user") input = new StringReader(ReadPassword(input, error) ?? "");

            int code;
            if (command.Name == "restore")
                code = await BackupCommands.RestoreAsync(services, command.Argument!, output, error);
            else if (HeldByRunningService(services) is { } socket)
                return await AdminSocketClient.RunAsync(socket, command.ToArguments(),
                    command.Name == "create-user" ? input.ReadLine() : null, output, error, cancel.Token);
            else
                code = await AdminCommandRunner.RunAsync(services, command, input, output, error, cancel.Token);
            await StoreAuditTrailAsync(services, error);
            return code;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return AdminCommandRunner.Ok;
        }
        catch (StoreLockedException locked)
        {
            error.WriteLine($"Refusing to run: {locked.Message}");
            return AdminCommandRunner.StoreLocked;
        }
        catch (OptionsValidationException invalid)
        {
            foreach (var failure in invalid.Failures) error.WriteLine(failure);
            return AdminCommandRunner.Usage;
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    // The admin socket of the service that holds the LiteDB store, or null when this process
    // could open the store itself (then it holds it from here on) or uses no LiteDB file.
    static string? HeldByRunningService(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (!options.UsesLiteDb || options.Path == ":memory:") return null;
        try
        {
            services.GetRequiredService<LiteDbContext>();
            return null;
        }
        catch (StoreLockedException) when (OperatingSystem.IsLinux())
        {
            return AdminSocket.PathFor(options.Path);
        }
    }

    // The host is not run for a command, so its AuditWriter is not either: the events the
    // command logged are stored here, once. A store that refuses them costs the trail, not the command.
    static async Task StoreAuditTrailAsync(IServiceProvider services, TextWriter error)
    {
        var queue = services.GetRequiredService<AuditQueue>();
        var events = new List<AuditEventRecord>();
        while (queue.Reader.TryRead(out var record)) events.Add(record);
        if (events.Count == 0) return;
        try
        {
            await services.GetRequiredService<IAuditStore>().AddAsync(events, CancellationToken.None);
        }
        catch (Exception e)
        {
            error.WriteLine($"The command's {events.Count} audit events were logged above but not stored: {e.Message}");
        }
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
}
