using System.Diagnostics;

namespace MiniAuth.Tests;

// Runs node and npm for the tests of the clients/js package, each with a deadline.
public static class NodeTool
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsInstalled => OnPath("node") && OnPath("npm");

    public sealed record Run(int ExitCode, string Output, string Error);

    public static async Task<Run> RunAsync(string program, string workingDirectory, TimeSpan deadline, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // npm writes its notices and update checks to the terminal; none is wanted here.
        start.Environment["npm_config_update_notifier"] = "false";
        start.Environment["npm_config_fund"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not exit within {deadline.TotalSeconds:F0} s: {await error}");
        }
        return new Run(process.ExitCode, await output, await error);
    }

    static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(folder => folder.Length > 0 && File.Exists(Path.Combine(folder, name)));
}
