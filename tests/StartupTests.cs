using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MiniAuth.Auth.Tokens;
using MiniAuth.Auth;
using MiniAuth.Storage.LiteDb;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

public class StartupTests
{
    [Theory]
    [InlineData("MiniAuth:AccessTokenLifetime", "00:00:00")]
    [InlineData("MiniAuth:AccessTokenLifetime", "an hour")]
    [InlineData("MiniAuth:RefreshTokenLifetime", "-1.00:00:00")]
    [InlineData("MiniAuth:RefreshReuseGrace", "01:00:00")]
    [InlineData("MiniAuth:ClockSkew", "1.00:00:00")]
    [InlineData("MiniAuth:Issuer", "")]
    [InlineData("MiniAuth:Sweeper:Interval", "00:00:00")]
    [InlineData("MiniAuth:Cookie:SameSite", "Sideways")]
    [InlineData("MiniAuth:Cookie:SameSite", "Unspecified")]
    [InlineData("MiniAuth:Cookie:Name", "refresh token")]
    [InlineData("MiniAuth:Cookie:Path", "auth")]
    [InlineData("MiniAuth:PasswordHashing:MemoryKiB", "4")]
    [InlineData("MiniAuth:PasswordHashing:Iterations", "0")]
    [InlineData("MiniAuth:PasswordHashing:Parallelism", "lots")]
    [InlineData("MiniAuth:Password:MinLength", "300")]
    [InlineData("MiniAuth:Storage:Path", "")]
    public async Task ABadSettingStopsTheStartWithAMessageNamingTheKey(string key, string value)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { [key] = value });

        var error = Record.Exception(() => app.NewClient());

        Assert.NotNull(error);
        // When the failing host is torn down before the test host looks at it, the test host
        // reports only that it was disposed; the host's own "failed to start" log has the reason.
        var reported = Flatten(error) + string.Join("\n", app.Logs.All);
        Assert.True(reported.Contains(key), reported);
    }

    [Fact]
    public async Task UsersSessionsAndTheSigningKeySurviveARestartOverTheSameFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"), "miniauth.db");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(MiniAuthApp.Epoch);
        Login login;
        string kid;
        await using (var before = new MiniAuthApp(path, time: time))
        {
            login = await before.NewClient().SignUpAndLoginAsync(delivery: "body", email: "restart@example.test");
            kid = await KidAsync(before);
        }

        await using var after = new MiniAuthApp(path, time: time);
        var client = after.NewClient();

        Assert.Equal(kid, await KidAsync(after));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync("restart@example.test")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.SignUpAsync("restart@example.test")).StatusCode);
    }

    [Fact]
    public async Task NoDataProtectionKeyRingIsMadeForBearerTokensThatNeverUseIt()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Debug",
        });
        var client = app.NewClient();

        var login = await client.SignUpAndLoginAsync();
        using var profile = await client.SendWithBearerAsync(HttpMethod.Get, "/profile", login.AccessToken);

        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        // Loading a key ring always logs where it keeps it (creating one also warns that it is unencrypted).
        Assert.DoesNotContain(app.Logs.Categories, c => c.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStoreFolderIsCreatedOnFirstStartReadableByTheServiceAlone()
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"), "nested", "deeper");
        await using var app = new MiniAuthApp(Path.Combine(folder, "auth.db"));

        app.NewClient();

        Assert.True(File.Exists(Path.Combine(folder, "auth.db")));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
    }

    [Fact]
    public async Task TheStoreFileIsReadableByTheServiceAloneEvenInAnExistingFolder()
    {
        if (OperatingSystem.IsWindows()) return;
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var app = new MiniAuthApp(Path.Combine(folder, "auth.db"));

        app.NewClient();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "auth.db")));
    }

    [Fact]
    public async Task HealthIs200WhileTheStoreAnswers()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("sessions").GetString());
    }

    [Fact]
    public async Task HealthIs503WhenTheStoreDoesNotAnswer()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        app.Get<LiteDbContext>().Dispose();

        var problem = await (await client.GetAsync("/health")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);

        Assert.Contains("sessions", problem.GetProperty("detail").GetString());
        Assert.Equal("Unhealthy", problem.GetProperty("checks").GetProperty("users").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentNamesEveryOperationAsTheContractDoes()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:OpenApi:Enabled"] = "true" });

        var document = await (await app.NewClient().GetAsync("/openapi/v1.json")).JsonAsync();

        var operationIds = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject())
            .Select(operation => operation.Value.GetProperty("operationId").GetString())
            .ToHashSet();
        foreach (var expected in new[] { "signup", "login", "restoreAccessToken", "logout", "fetchProfile", "jwks", "discovery", "health" })
            Assert.Contains(expected, operationIds);
    }

    [Fact]
    public async Task ARotatedKeyIsPublishedAtOnceSignsNewTokensAfterTwoReloadIntervalsAndTheOldOneStillVerifiesItsTokens()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var before = await client.SignUpAndLoginAsync(delivery: "body");
        var oldKid = await KidAsync(app);
        var reload = app.Get<IOptions<SigningKeyOptions>>().Value.ReloadInterval;
        app.Time.Advance(TimeSpan.FromSeconds(1));

        var rotated = await app.Get<SigningKeyRing>().RotateAsync(default);

        Assert.NotEqual(oldKid, rotated.KeyId);
        // Two reload intervals: every instance has re-read the store by then, even after a missed tick.
        Assert.Equal(app.Time.GetUtcNow() + 2 * reload, rotated.SignsFrom);
        var kids = await KidsAsync(app);
        Assert.Contains(oldKid, kids);
        Assert.Contains(rotated.KeyId, kids);
        // Published, not signing yet: another instance may not know it.
        var meanwhile = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(before.Refresh));
        Assert.Equal(oldKid, Kid(meanwhile.AccessToken));
        Assert.Equal(oldKid, Kid(meanwhile.Refresh));
        app.Time.Advance(2 * reload - TimeSpan.FromSeconds(1));
        Assert.Equal(oldKid, Kid((await client.SignUpAndLoginAsync()).AccessToken));

        app.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(meanwhile.Refresh));
        Assert.Equal(rotated.KeyId, Kid(after.AccessToken));
        Assert.Equal(rotated.KeyId, Kid(after.Refresh));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(before.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(meanwhile.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(after.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task ARetiredKeyIsDroppedOnceTheLastTokenItOrALaggingInstanceSignedHasExpired()
    {
        await using var app = new MiniAuthApp();
        app.NewClient();
        var oldKid = await KidAsync(app);
        var ring = app.Get<SigningKeyRing>();
        var rotated = await ring.RotateAsync(default);
        // The old key signs until the new one takes over, and another instance may sign with it
        // until its next reload after that.
        var keep = app.TokenOptions.LongestTokenLifetime + app.Get<IOptions<SigningKeyOptions>>().Value.ReloadInterval;

        app.Time.Advance(rotated.SignsFrom + keep - TimeSpan.FromSeconds(1) - app.Time.GetUtcNow());
        await ring.LoadAsync(default);
        Assert.Contains(oldKid, await KidsAsync(app));

        app.Time.Advance(TimeSpan.FromSeconds(2));
        await ring.LoadAsync(default);
        Assert.DoesNotContain(oldKid, await KidsAsync(app));
        Assert.Single(await app.Get<ISigningKeyStore>().ListAsync(default));
    }

    static string Kid(string token) => HttpHelpers.Header(token).GetProperty("kid").GetString()!;

    static async Task<string> KidAsync(MiniAuthApp app) => Assert.Single(await KidsAsync(app));

    static async Task<List<string>> KidsAsync(MiniAuthApp app)
    {
        var jwks = await (await app.NewClient().GetAsync("/.well-known/jwks.json")).JsonAsync();
        return jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();
    }

    static string Flatten(Exception error) => error switch
    {
        AggregateException aggregate => string.Join(" | ", aggregate.InnerExceptions.Select(Flatten)),
        _ => error.Message + (error.InnerException is null ? "" : " | " + Flatten(error.InnerException)),
    };
}
