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
    [InlineData("--MiniAuth:Passkeys:RelyingPartyId=https://auth.example.test", "MiniAuth:Passkeys:RelyingPartyId")]
    [InlineData("--MiniAuth:Metrics:Port=70000", "MiniAuth:Metrics:Port")]
    [InlineData("--MiniAuth:Metrics:Enabled=maybe", "MiniAuth:Metrics:Enabled")]
    public async Task ABadSettingIsOneLineOnStandardErrorAndExitCodeOne(string setting, string key)
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        Run run;
        try
        {
            run = await ServiceProcess.RunAsync(
                ["--urls=http://127.0.0.1:0", $"--MiniAuth:Storage:Path={Path.Combine(folder, "miniauth.db")}", setting],
                workingDirectory: folder);
        }
        finally { try { Directory.Delete(folder, recursive: true); } catch (IOException) { } }

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line);
        Assert.DoesNotContain("   at ", run.Output + run.Error);
    }
}
