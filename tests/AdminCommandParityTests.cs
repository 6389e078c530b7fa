using Microsoft.Extensions.Time.Testing;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The command line keeps the admin API's rules on every backend: with LiteDB the running app
// runs the commands (its admin socket), with Redis + PostgreSQL they open the stores themselves.
public sealed class AdminCommandParityTests
{
    const string Password = "a passphrase typed at the terminal";

    [Theory, OnLiteDb, OnServers]
    public async Task TheCommandLineKeepsTheLastAdminAndCutsADisabledOrDeletedUserOff(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        // The commands run on the real clock when they open the store themselves.
        await using var app = store.NewApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var user = await client.SignUpAndLoginAsync(email: email, delivery: "body");
        var boss = HttpHelpers.NewEmail();
        Assert.Equal(0, (await AdminAsync(store, Password + "\n", "create-user", "--email", boss, "--role", "admin,ops")).ExitCode);

        foreach (var args in new[] { ["set-roles", "--email", boss, "--role", "ops"], ["disable", "--email", boss], new[] { "delete", "--email", boss } })
        {
            var refused = await AdminAsync(store, null, args);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("is the last enabled admin", refused.Error);
        }
        Assert.Equal(["admin", "ops"], (await client.LoginAsync(boss, Password)).Roles());

        var disabled = await AdminAsync(store, null, "disable", "--email", email);
        Assert.True(disabled.ExitCode == 0, disabled.Error);
        var ended = await (await client.FetchProfileAsync(user.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", ended.GetProperty("code").GetString());
        Assert.Equal("account_disabled", ended.GetProperty("reason").GetString());
        var restore = await (await client.RestoreWithBearerAsync(user.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("account_disabled", restore.GetProperty("reason").GetString());
        Assert.Equal("account_disabled", await (await client.PostLoginAsync(email)).CodeAsync(HttpStatusCode.Forbidden));

        Assert.Equal(0, (await AdminAsync(store, null, "delete", "--user-id", user.UserId())).ExitCode);
        Assert.Equal("invalid_credentials", await (await client.PostLoginAsync(email)).CodeAsync(HttpStatusCode.Unauthorized));
        Assert.Equal(1, (await AdminAsync(store, null, "enable", "--user-id", user.UserId())).ExitCode);

        await app.FlushAuditAsync();
        var trail = await app.Get<IAuditStore>().ListAsync(new AuditQuery(null, null, null, 100), CancellationToken.None);
        Assert.Equal(3, trail.Count(e => e.Type == "CommandChangeRefused"));
        Assert.Equal(user.UserId(), Assert.Single(trail, e => e.Type == "CommandUserDeleted").UserId);
        Assert.Single(trail, e => e.Type == "CommandUserCreated");
    }

    [Fact]
    public async Task ACommandRunOnAStoppedServicesStoreIsInItsStoredTrail()
    {
        await using var store = await TestBackend.CreateAsync(Backend.LiteDb);
        var email = HttpHelpers.NewEmail();
        var created = await AdminAsync(store, Password + "\n", "create-user", "--email", email, "--role", "editor");
        Assert.True(created.ExitCode == 0, created.Error);

        await using var app = store.NewApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var login = await app.NewClient().LoginAsync(email, Password);
        var trail = await app.Get<IAuditStore>().ListAsync(new AuditQuery(login.UserId(), ["CommandUserCreated"], null, 10), CancellationToken.None);
        Assert.Contains("\"roles\":\"editor\"", Assert.Single(trail).Detail);
    }

    static Task<Run> AdminAsync(TestBackend store, string? input, params string[] args) => ServiceProcess.RunAsync(
        ["admin", .. args, .. ServiceProcess.CheapHashing,
            .. store.DatabasePath is { } path ? [$"--MiniAuth:Storage:Path={path}"] : Array.Empty<string>(),
            .. store.Settings.Select(setting => $"--{setting.Key}={setting.Value}")], input);
}
