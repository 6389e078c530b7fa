using System.Diagnostics;

namespace MiniAuth.Tests;

// The published service itself, run as an operator runs it: a bad setting is one line naming
// the key on standard error and exit code 1, never a stack trace.
public class StartupFailureTests
{
    [Theory]
    [InlineData("--MiniAuth:AccessTokenLifetime=an hour", "MiniAuth:AccessTokenLifetime")]
    [InlineData("--MiniAuth:AccessTokenLifetime=00:00:00", "MiniAuth:AccessTokenLifetime")]
    [InlineData("--MiniAuth:PublicUrl=auth.example.test", "MiniAuth:PublicUrl")]
    [InlineData("--MiniAuth:Cookie:Path=/auth", "MiniAuth:Cookie:Path")]
    public async Task ABadSettingIsOneLineOnStandardErrorAndExitCodeOne(string setting, string key)
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MiniAuth.dll"));
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.ArgumentList.Add($"--MiniAuth:Storage:Path={Path.Combine(folder, "miniauth.db")}");
        start.ArgumentList.Add(setting);

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        finally { try { Directory.Delete(folder, recursive: true); } catch (IOException) { } }

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single((await error).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line);
        Assert.DoesNotContain("   at ", await output + await error);
    }

    static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
}
