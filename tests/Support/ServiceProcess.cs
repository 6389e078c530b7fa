using System.Diagnostics;

namespace MiniAuth.Tests;

public sealed record Run(int ExitCode, string Output, string Error);

// The built MiniAuth.dll run as a process, as an operator runs it (the service or `admin …`).
public static class ServiceProcess
{
    public static async Task<Run> RunAsync(IEnumerable<string> args, string? input = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MiniAuth.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);

        using var process = Process.Start(start)!;
        if (input is not null) await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"MiniAuth {string.Join(' ', args)} did not finish within 60 s");
        }
        return new Run(process.ExitCode, await output, await error);
    }

    // The same cheap Argon2 parameters as MiniAuthApp, so that logins need no rehash.
    public static readonly string[] CheapHashing = ["--MiniAuth:PasswordHashing:MemoryKiB=64", "--MiniAuth:PasswordHashing:Iterations=1"];

    public static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
