using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MiniAuth.Tests;

// `dotnet publish -r linux-x64` of the service, once per test class, exactly as the README says,
// into a folder of its own (with its own obj/ and bin/, so the build the tests run on is left alone).
public sealed class SingleFilePublish : IAsyncLifetime
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    readonly string _root = Path.Combine(Path.GetTempPath(), "miniauth-tests", "publish-" + Guid.NewGuid().ToString("N"));

    public string Folder => Path.Combine(_root, "publish");
    public string Executable => Path.Combine(Folder, "MiniAuth");
    public string RepositoryRoot { get; } = FindRepositoryRoot();
    public TimeSpan Took { get; private set; }

    public static bool Runs => RuntimeInformation.RuntimeIdentifier == "linux-x64"
        || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        if (!Runs) return;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var arg in new[]
        {
            "publish", Path.Combine(RepositoryRoot, "MiniAuth.csproj"), "-c", "Release", "-r", "linux-x64",
            "-o", Folder, "--artifacts-path", Path.Combine(_root, "artifacts"),
            // No compiler or MSBuild server left behind holding this test's pipes open.
            "--disable-build-servers", "-nologo",
        }) start.ArgumentList.Add(arg);
        // The test host runs under `dotnet test`; its MSBuild settings are not this build's.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        try { await process.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish did not finish within {Timeout}.");
        }
        Took = clock.Elapsed;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await output}\n{await error}");
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        return Task.CompletedTask;
    }

    internal static string FindRepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "MiniAuth.csproj"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds MiniAuth.csproj.");
    }
}
