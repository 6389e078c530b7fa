using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace MiniAuth.Tests;

// `admin backup PATH` while the service serves, `admin restore PATH` with it stopped: both as an
// operator runs them, against the service as a process.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BackupRestoreTests : IDisposable
{
    readonly string _folder = Path.GetDirectoryName(AccountTestHelpers.NewDatabasePath())!;

    public BackupRestoreTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }

    string StorePath(string name) => Path.Combine(_folder, name, "miniauth.db");

    [Fact]
    public async Task ABackupUnderSignupLoadRestoresIntoAFreshServiceWithEveryAcknowledgedUser()
    {
        var live = StorePath("live");
        var backup = Path.Combine(_folder, "backups", "nightly.db");
        Directory.CreateDirectory(Path.GetDirectoryName(backup)!);
        string[] acknowledgedBefore;
        await using (var service = await RunningService.StartAsync(live, "--MiniAuth:RateLimiting:Enabled=false"))
        {
            var acknowledged = new ConcurrentQueue<string>();
            var twenty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var email = HttpHelpers.NewEmail();
                    if ((await service.Client.SignUpAsync(email)).StatusCode != HttpStatusCode.Created) continue;
                    acknowledged.Enqueue(email);
                    if (acknowledged.Count >= 20) twenty.TrySetResult();
                }
            })).ToArray();
            // Until 20 signups are acknowledged; a load loop that ends early (it threw) fails the test here.
            var loading = Task.WhenAll(load);
            await Task.WhenAny(twenty.Task, loading).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(twenty.Task.IsCompleted, "the signup load stopped before 20 signups were acknowledged");

            acknowledgedBefore = [.. acknowledged];
            var made = await AdminAsync(live, "backup", backup);
            var during = acknowledged.Count - acknowledgedBefore.Length;
            await stop.CancelAsync();
            await Task.WhenAll(load);

            Assert.True(made.ExitCode == 0, made.Error);
            Assert.Contains($"Backed up the store to {backup}", made.Output);
            Assert.True(during > 0, "no signup was acknowledged while the backup ran");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
            Assert.Equal(0, await service.StopAsync());
        }

        var fresh = StorePath("fresh");
        var restored = await AdminAsync(fresh, "restore", backup);
        Assert.True(restored.ExitCode == 0, restored.Error);
        Assert.DoesNotContain("kept as", restored.Output);

        await using var again = await RunningService.StartAsync(fresh, "--MiniAuth:RateLimiting:Enabled=false");
        foreach (var email in acknowledgedBefore)
            Assert.Equal(HttpStatusCode.OK, (await again.Client.PostLoginAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await again.Client.SignUpAsync(HttpHelpers.NewEmail())).StatusCode);
    }

    [Fact]
    public async Task RestoreRefusesWhileTheServiceRunsAndRefusesAFileThatIsNoMiniAuthStore()
    {
        var store = StorePath("store");
        var backup = Path.Combine(_folder, "copy.db");
        var notAStore = Path.Combine(_folder, "notes.db");
        await File.WriteAllTextAsync(notAStore, "not a database at all, just some text that fills more than a page or two. " + new string('x', 9000));
        var email = HttpHelpers.NewEmail();
        await using (var service = await RunningService.StartAsync(store))
        {
            await service.Client.NewAccountAsync(email);
            Assert.Equal(0, (await AdminAsync(store, "backup", backup)).ExitCode);

            var refused = await AdminAsync(store, "restore", backup);
            Assert.Equal(3, refused.ExitCode);
            Assert.Contains("Stop the service", refused.Error);
            Assert.Equal(HttpStatusCode.OK, (await service.Client.PostLoginAsync(email)).StatusCode);
            Assert.Equal(0, await service.StopAsync());
        }

        var invalid = await AdminAsync(store, "restore", notAStore);
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("does not open as a LiteDB store", invalid.Error);
        Assert.Contains("The store was not changed.", invalid.Error);
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(store)!, "*before-restore*"));
        await using var app = new MiniAuthApp(store, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, (await app.NewClient().PostLoginAsync(email)).StatusCode);
    }

    [Fact]
    public async Task RestoreKeepsTheStoreItReplacesBesideIt()
    {
        var store = StorePath("store");
        var backup = Path.Combine(_folder, "copy.db");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var inBackup = HttpHelpers.NewEmail();
        var afterBackup = HttpHelpers.NewEmail();
        await using (var app = new MiniAuthApp(store, time: time))
        {
            await app.NewClient().NewAccountAsync(inBackup);
            Assert.Equal(0, (await AdminAsync(store, "backup", backup)).ExitCode);
            await app.NewClient().NewAccountAsync(afterBackup);
        }

        var restored = await AdminAsync(store, "restore", backup);

        Assert.True(restored.ExitCode == 0, restored.Error);
        var kept = Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(store)!, "miniauth-before-restore-*.db"));
        Assert.Contains($"kept as {kept}", restored.Output);
        await using (var app = new MiniAuthApp(store, time: time))
        {
            Assert.Equal(HttpStatusCode.OK, (await app.NewClient().PostLoginAsync(inBackup)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().PostLoginAsync(afterBackup)).StatusCode);
        }
        await using (var old = new MiniAuthApp(kept, time: time))
            Assert.Equal(HttpStatusCode.OK, (await old.NewClient().PostLoginAsync(afterBackup)).StatusCode);
    }

    static Task<Run> AdminAsync(string storePath, params string[] args) =>
        ServiceProcess.RunAsync(["admin", .. args, $"--MiniAuth:Storage:Path={storePath}", .. ServiceProcess.CheapHashing]);
}
