using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace MiniAuth.Tests;

// `MiniAuth admin …` run as users run it: the built MiniAuth.dll in a child process, on the same
// store file as a MiniAuthApp before or after it.
public sealed class AdminCommandTests : IDisposable
{
    const string Password = "a passphrase typed at the terminal";
    readonly string _databasePath = AccountTestHelpers.NewDatabasePath();

    public void Dispose() => AccountTestHelpers.DeleteDatabase(_databasePath);

    [Fact]
    public async Task CreateUserMakesAnAdminWhoCanUseTheAdminRoutes()
    {
        var created = await RunAsync(Password + "\n", "create-user", "--email", "boss@example.test", "--name", "The Boss", "--role", "admin");

        Assert.Equal(0, created.ExitCode);
        Assert.Contains("Created user", created.Output);
        await using var app = new MiniAuthApp(_databasePath);
        var client = app.NewClient();
        var admin = await client.LoginAsync("boss@example.test", Password);
        var profile = await (await client.FetchProfileAsync(admin.AccessToken)).JsonAsync();
        Assert.Equal("The Boss", profile.GetProperty("name").GetString());
        Assert.Equal(["admin"], profile.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Single(await client.ListSessionsAsync(admin.AccessToken, $"/admin/users/{admin.UserId()}/sessions"));
    }

    [Fact]
    public async Task CreateUserRefusesACommonPasswordAndATakenEmail()
    {
        var common = await RunAsync("password1\n", "create-user", "--email", "someone@example.test");
        Assert.Equal(2, common.ExitCode);
        Assert.Contains("commonly used", common.Error);

        Assert.Equal(0, (await RunAsync(Password + "\n", "create-user", "--email", "someone@example.test")).ExitCode);
        var taken = await RunAsync(Password + "\n", "create-user", "--email", "SOMEONE@example.test");
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("already exists", taken.Error);
    }

    [Fact]
    public async Task ListUsersPrintsEveryAccountWithItsRolesLiveSessionsAndSecondFactors()
    {
        var first = HttpHelpers.NewEmail();
        var second = HttpHelpers.NewEmail();
        await using (var app = new MiniAuthApp(_databasePath, time: new FakeTimeProvider(DateTimeOffset.UtcNow)))
        {
            var client = app.NewClient();
            var login = await client.SignUpAndLoginAsync(email: first);
            await app.EnrolTotpAsync(client, login.AccessToken);
            await client.NewAccountAsync(second);
        }

        var listed = await RunAsync(null, "list-users");

        Assert.Equal(0, listed.ExitCode);
        var lines = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("\tliveSessions\tmfa", lines[0]);
        Assert.EndsWith("\t1\ttotp", Assert.Single(lines, l => l.Contains(first)).TrimEnd());
        Assert.EndsWith("\t0\t-", Assert.Single(lines, l => l.Contains(second)).TrimEnd());
        Assert.DoesNotContain("argon2", listed.Output);
    }

    [Fact]
    public async Task EndSessionsCutsOffEveryTokenOfTheUser()
    {
        // The command runs on the real clock, so the service's fake clock starts there too.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var email = HttpHelpers.NewEmail();
        Login phone, laptop;
        await using (var app = new MiniAuthApp(_databasePath, time: time))
        {
            var client = app.NewClient();
            await client.NewAccountAsync(email);
            phone = await client.LoginAsync(email);
            laptop = await client.LoginAsync(email);
        }

        var ended = await RunAsync(null, "end-sessions", "--email", email);

        Assert.Equal(0, ended.ExitCode);
        Assert.Contains("Ended 2 sessions", ended.Output);
        await using var restarted = new MiniAuthApp(_databasePath, time: time);
        var again = restarted.NewClient();
        foreach (var login in new[] { phone, laptop })
        {
            Assert.Equal("The session was ended: forced by admin.", await again.RefusedDetailAsync(login.AccessToken));
            Assert.Equal(HttpStatusCode.Unauthorized, (await again.RestoreWithCookieAsync(login.Refresh)).StatusCode);
        }
    }

    [Fact]
    public async Task RotateSigningKeyPublishesANewKeyThatSignsFromThePrintedTimeWhileTheOldOneStillVerifies()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Login before;
        await using (var app = new MiniAuthApp(_databasePath, time: time))
            before = await app.NewClient().SignUpAndLoginAsync();

        var rotated = await RunAsync(null, "rotate-signing-key");

        Assert.Equal(0, rotated.ExitCode);
        var said = Regex.Match(rotated.Output, @"^Key (\S+) is published .* signs from (\S+) on;");
        Assert.True(said.Success, rotated.Output);
        var newKid = said.Groups[1].Value;
        var signsFrom = DateTimeOffset.Parse(said.Groups[2].Value, CultureInfo.InvariantCulture);
        await using var restarted = new MiniAuthApp(_databasePath, time: time);
        var client = restarted.NewClient();
        var oldKid = HttpHelpers.Header(before.AccessToken).GetProperty("kid").GetString()!;
        var jwks = await (await client.GetAsync("/.well-known/jwks.json")).JsonAsync();
        Assert.Equal(new[] { oldKid, newKid }.Order(), jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order());

        time.Advance(signsFrom - TimeSpan.FromSeconds(1) - time.GetUtcNow());
        Assert.Equal(oldKid, HttpHelpers.Header((await client.SignUpAndLoginAsync()).AccessToken).GetProperty("kid").GetString());
        time.Advance(TimeSpan.FromSeconds(1));
        var after = await client.SignUpAndLoginAsync();
        Assert.Equal(newKid, HttpHelpers.Header(after.AccessToken).GetProperty("kid").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(before.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task RotateSigningKeyIntoAnEmptyStoreSaysTheFirstKeySignsAtOnce()
    {
        var startedAt = DateTimeOffset.UtcNow;

        var rotated = await RunAsync(null, "rotate-signing-key");

        Assert.Equal(0, rotated.ExitCode);
        var said = Regex.Match(rotated.Output, @"^Key (\S+) is published .* signs from (\S+) on;");
        Assert.True(said.Success, rotated.Output);
        Assert.InRange(DateTimeOffset.Parse(said.Groups[2].Value, CultureInfo.InvariantCulture), startedAt, DateTimeOffset.UtcNow);
        await using var app = new MiniAuthApp(_databasePath, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        Assert.Equal(said.Groups[1].Value, HttpHelpers.Header((await app.NewClient().SignUpAndLoginAsync()).AccessToken).GetProperty("kid").GetString());
    }

    [Fact]
    public async Task RevokeSigningKeyRefusesEveryTokenOfTheKeyAndPrintsTheKeyThatSignsNow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Login before;
        await using (var app = new MiniAuthApp(_databasePath, time: time))
            before = await app.NewClient().SignUpAndLoginAsync(delivery: "body");
        var kid = HttpHelpers.Header(before.AccessToken).GetProperty("kid").GetString()!;

        var revoked = await RunAsync(null, "revoke-signing-key", "--kid", kid);

        Assert.Equal(0, revoked.ExitCode);
        var said = Regex.Match(revoked.Output, @"^Revoked key (\S+): .* Key (\S+) signs now\.");
        Assert.True(said.Success, revoked.Output);
        Assert.Equal(kid, said.Groups[1].Value);
        Assert.DoesNotContain("Ended", revoked.Output);
        await using var restarted = new MiniAuthApp(_databasePath, time: time);
        var client = restarted.NewClient();
        var jwks = await (await client.GetAsync("/.well-known/jwks.json")).JsonAsync();
        Assert.Equal([said.Groups[2].Value], jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(before.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync(before.Refresh)).StatusCode);
        var after = await client.SignUpAndLoginAsync();
        Assert.Equal(said.Groups[2].Value, HttpHelpers.Header(after.AccessToken).GetProperty("kid").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(after.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task RevokeSigningKeyWithEndSessionsEndsEverySessionOfEveryUser()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var email = HttpHelpers.NewEmail();
        Login first, second, third;
        string oldKid, newKid;
        await using (var app = new MiniAuthApp(_databasePath, time: time))
        {
            var client = app.NewClient();
            first = await client.SignUpAndLoginAsync(email: email);
            second = await client.LoginAsync(email);
            oldKid = HttpHelpers.Header(first.AccessToken).GetProperty("kid").GetString()!;
            // A session whose tokens the next key signed: only --end-sessions ends it.
            var rotated = await app.Get<MiniAuth.Auth.Tokens.SigningKeyRing>().RotateAsync(default);
            newKid = rotated.KeyId;
            time.Advance(rotated.SignsFrom - time.GetUtcNow());
            third = await client.SignUpAndLoginAsync();
        }

        var revoked = await RunAsync(null, "revoke-signing-key", "--kid", oldKid, "--end-sessions");

        Assert.True(revoked.ExitCode == 0, revoked.Error);
        Assert.Contains($"Key {newKid} signs now.", revoked.Output);
        Assert.Contains("Ended 3 sessions.", revoked.Output);
        // The audit trail, on standard error.
        Assert.Contains("MiniAuth.Auth.AuditTrail[3053]", revoked.Error);
        Assert.Contains($"revoked the signing key {oldKid}; key {newKid} signs now; 3 sessions ended", revoked.Error);
        await using var restarted = new MiniAuthApp(_databasePath, time: time);
        var client2 = restarted.NewClient();
        foreach (var login in new[] { first, second })
            Assert.Equal(HttpStatusCode.Unauthorized, (await client2.FetchProfileAsync(login.AccessToken)).StatusCode);
        Assert.Equal("The session was ended: forced by admin.", await client2.RefusedDetailAsync(third.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client2.RestoreWithCookieAsync(third.Refresh)).StatusCode);
    }

    [Fact]
    public async Task RevokeSigningKeyRefusesAnUnknownKidAndAMissingOne()
    {
        var unknown = await RunAsync(null, "revoke-signing-key", "--kid", "no-such-kid");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("There is no signing key no-such-kid", unknown.Error);

        var missing = await RunAsync(null, "revoke-signing-key");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--kid", missing.Error);
    }

    [Fact]
    public async Task CommandsRunThroughTheServiceThatHoldsTheStore()
    {
        await using var app = new MiniAuthApp(_databasePath);
        var login = await app.NewClient().SignUpAndLoginAsync();

        var listed = await RunAsync(null, "list-users");

        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.Contains(login.UserId(), listed.Output);
        Assert.Equal(HttpStatusCode.OK, (await app.NewClient().GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task ASecondServiceOnTheSameStoreFileRefusesToStart()
    {
        var first = new MiniAuthApp(_databasePath);
        var second = new MiniAuthApp(_databasePath);
        try
        {
            first.NewClient();

            var error = Assert.ThrowsAny<Exception>(() => second.NewClient());

            // As in StartupTests: the host's own log has the reason when the test host saw only a disposed host.
            Assert.Contains("in use by another MiniAuth process", error + string.Join("\n", second.Logs.All));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task AnUnknownCommandPrintsTheUsage()
    {
        var result = await RunAsync(null, "drop-everything");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage: MiniAuth admin", result.Error);
    }

    [Fact]
    public async Task ResetLinkPrintsAOneTimePasswordResetLinkThatReplacesEarlierOnes()
    {
        // The command runs on the real clock, so the service's fake clock starts there too.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var email = HttpHelpers.NewEmail();
        await using (var app = new MiniAuthApp(_databasePath, time: time))
            await app.NewClient().NewAccountAsync(email);

        var first = await RunAsync(null, "reset-link", "--email", email.ToUpperInvariant(), "--MiniAuth:PublicUrl=https://auth.example.test");
        var second = await RunAsync(null, "reset-link", "--email", email, "--MiniAuth:PublicUrl=https://auth.example.test");

        Assert.Equal(0, second.ExitCode);
        static string TokenIn(string output) =>
            Regex.Match(output, @"^https://auth\.example\.test/#reset=([A-Za-z0-9_-]{43})$", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEqual("", TokenIn(second.Output));
        await using var service = new MiniAuthApp(_databasePath, time: time);
        var client = service.NewClient();
        await (await client.ResetPasswordAsync(TokenIn(first.Output))).AssertTokenRefusedAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(TokenIn(second.Output))).StatusCode);
        await (await client.ResetPasswordAsync(TokenIn(second.Output))).AssertTokenRefusedAsync();
        await client.LoginAsync(email, RecoveryTestHelpers.NewPassword);
    }

    [Fact]
    public async Task ResetLinkFailsForAnUnknownEmailWithoutAPasswordResetLink()
    {
        var result = await RunAsync(null, "reset-link", "--email", "nobody@example.test");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no account with the email nobody@example.test", result.Error);
        Assert.DoesNotContain("#reset=", result.Output);
    }

    // The same cheap Argon2 parameters as MiniAuthApp, so its logins need no rehash.
    Task<Run> RunAsync(string? input, params string[] args) => ServiceProcess.RunAsync(
        ["admin", .. args, $"--MiniAuth:Storage:Path={_databasePath}",
            "--MiniAuth:PasswordHashing:MemoryKiB=64", "--MiniAuth:PasswordHashing:Iterations=1"], input);
}
