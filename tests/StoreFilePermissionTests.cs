namespace MiniAuth.Tests;

// The store's files hold the private signing key: no other account may read any of them, the
// write-ahead log LiteDB makes at its first write included, even in a folder that was there before.
public class StoreFilePermissionTests
{
    const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static string NewFolder(UnixFileMode mode)
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        // Set after creating: the test process's umask would mask a mode given to CreateDirectory.
        File.SetUnixFileMode(folder, mode);
        return folder;
    }

    [Fact]
    public async Task EveryStoreFileIsTheServiceAccountsAloneWhileItRunsAndWritesInAFolderThatOthersCouldEnter()
    {
        if (OperatingSystem.IsWindows()) return;
        var folder = NewFolder((UnixFileMode)0b111_101_101);
        await using var app = new MiniAuthApp(Path.Combine(folder, "auth.db"));
        var client = app.NewClient();

        for (var i = 0; i < 3; i++)
        {
            var login = await client.SignUpAndLoginAsync(delivery: "body");
            Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
        }

        var files = Directory.GetFiles(folder);
        Assert.Contains(files, f => f.EndsWith("auth-log.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("auth.db.lock", StringComparison.Ordinal));
        foreach (var file in files)
            Assert.True((File.GetUnixFileMode(file) & GroupOrOthers) == 0, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Single(app.Logs.All, l => l.Contains("could be entered by other accounts") && l.Contains(folder));
    }

    [Fact]
    public async Task AStoreFolderThatOthersCouldEnterAndThatHoldsOtherFilesStopsTheStartWithAMessageNamingThePathSetting()
    {
        if (OperatingSystem.IsWindows()) return;
        var folder = NewFolder((UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not the store's");
        try
        {
            await using var app = new MiniAuthApp(Path.Combine(folder, "auth.db"));

            var error = Record.Exception(() => app.NewClient());

            Assert.NotNull(error);
            var reported = error + string.Join("\n", app.Logs.All);
            Assert.Contains("MiniAuth:Storage:Path", reported);
            Assert.Contains($"chmod 700 {folder}", reported);
            Assert.False(File.Exists(Path.Combine(folder, "auth.db")));
            Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(folder));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public async Task AStoreFolderOthersCouldWriteIsRefusedEvenWhenItHoldsOnlyTheStore()
    {
        if (OperatingSystem.IsWindows()) return;
        // Anyone could have put a hard link under a store file's name before the first start.
        var folder = NewFolder((UnixFileMode)0b111_111_111);
        try
        {
            await using var app = new MiniAuthApp(Path.Combine(folder, "auth.db"));

            var error = Record.Exception(() => app.NewClient());

            Assert.NotNull(error);
            Assert.Contains($"chmod 700 {folder}", error + string.Join("\n", app.Logs.All));
            Assert.False(File.Exists(Path.Combine(folder, "auth.db")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
