using MiniAuth.Storage.LiteDb;

namespace MiniAuth.Tests;

// The published service itself, run as an operator runs it: a bad setting, a locked store or an
// unreachable store server is one line naming it on standard error and exit code 1, never a
// stack trace (the host's own "Hosting failed to start" included).
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

    [Fact]
    public async Task AStoreLockedByAnotherProcessIsOneLineAndExitCodeOne()
    {
        var folder = NewFolder();
        var path = Path.Combine(folder, "miniauth.db");
        Run run;
        try
        {
            using (StoreFileLock.Acquire(path))
                run = await ServiceProcess.RunAsync(["--urls=http://127.0.0.1:0", $"--MiniAuth:Storage:Path={path}"], workingDirectory: folder);
        }
        finally { try { Directory.Delete(folder, recursive: true); } catch (IOException) { } }

        AssertOneLine(run, "is in use by another MiniAuth process");
    }

    [Theory]
    [InlineData("--MiniAuth:Storage:Sessions=Redis", "--ConnectionStrings:Redis=127.0.0.1:{port},connectTimeout=2000", "ConnectionStrings:Redis")]
    [InlineData("--MiniAuth:Storage:Users=Postgres", "--ConnectionStrings:Postgres=Host=127.0.0.1;Port={port};Username=miniauth;Timeout=2", "ConnectionStrings:Postgres")]
    public async Task AnUnreachableStoreServerIsOneLineNamingItsConnectionStringAndExitCodeOne(string backend, string connection, string key)
    {
        var folder = NewFolder();
        Run run;
        try
        {
            run = await ServiceProcess.RunAsync(
                ["--urls=http://127.0.0.1:0", $"--MiniAuth:Storage:Path={Path.Combine(folder, "miniauth.db")}", backend,
                    connection.Replace("{port}", ClosedPort().ToString())],
                workingDirectory: folder);
        }
        finally { try { Directory.Delete(folder, recursive: true); } catch (IOException) { } }

        AssertOneLine(run, key);
    }

    static void AssertOneLine(Run run, string expected)
    {
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("MiniAuth did not start: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", run.Output + run.Error);
        Assert.DoesNotContain("Hosting failed to start", run.Output + run.Error);
    }

    // A port nothing listens on: bound, then released.
    static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
