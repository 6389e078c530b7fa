using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MiniAuth.Auth.Tokens;
using MiniAuth.Auth;
using MiniAuth.Storage.LiteDb;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// Several MiniAuth instances over one Redis and one PostgreSQL, as behind a load balancer; and
// how a deployment reports servers it cannot reach.
public class ScaleOutTests
{
    static string Jti(string token) => HttpHelpers.Claims(token).GetProperty("jti").GetString()!;
    static string Kid(string token) => HttpHelpers.Header(token).GetProperty("kid").GetString()!;
    static string UserId(string token) => HttpHelpers.Claims(token).GetProperty("sub").GetString()!;

    static async Task<HashSet<string>> JwksKidsAsync(HttpClient client) =>
        (await (await client.GetAsync("/.well-known/jwks.json")).JsonAsync()).GetProperty("keys")
            .EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToHashSet();

    // For what happens in the background when the fake clock moves (a periodic reload).
    static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not within 15 s: {what}");
            await Task.Yield();
        }
    }

    [ServersFact]
    public async Task ALoginOnInstanceACanBeRestoredOnInstanceB()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var login = await a.NewClient().SignUpAndLoginAsync(delivery: "body");

        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(login.AccessToken)).StatusCode);
        var restored = await b.NewClient().RestoreWithBearerAsync(login.Refresh);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var next = await HttpHelpers.ReadLoginAsync(restored);
        Assert.Equal(HttpStatusCode.OK, (await a.NewClient().RestoreWithBearerAsync(next.Refresh)).StatusCode);
    }

    [ServersFact]
    public async Task ReuseDetectedOnInstanceBEndsTheSessionOnInstanceA()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var login = await a.NewClient().SignUpAndLoginAsync(delivery: "body");
        var rotated = await HttpHelpers.ReadLoginAsync(await a.NewClient().RestoreWithBearerAsync(login.Refresh));

        a.Time.Advance(a.RefreshReuseGrace + TimeSpan.FromSeconds(1));
        var reuse = await (await b.NewClient().RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(RevocationReasons.ReuseDetected, reuse.GetProperty("reason").GetString());

        await (await a.NewClient().RestoreWithBearerAsync(rotated.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var profile = await (await a.NewClient().FetchProfileAsync(rotated.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(RevocationReasons.ReuseDetected, profile.GetProperty("reason").GetString());
    }

    [ServersFact]
    public async Task ALogoutOnInstanceAIsRefusedOnInstanceBAtOnce()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var login = await a.NewClient().SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(login.AccessToken)).StatusCode);

        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.Authorization = new("Bearer", login.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await a.NewClient().SendAsync(logout)).StatusCode);

        // No clock moves: B's copy of the session is not trusted once the logout moved the fence.
        var profile = await (await b.NewClient().FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The session was ended: logout.", profile.GetProperty("detail").GetString());
        await (await b.NewClient().RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [ServersFact]
    public async Task ConcurrentRestoresOfOneTokenOnInstancesAAndBEndInOneSession()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var login = await a.NewClient().SignUpAndLoginAsync(delivery: "body");
        var (clientA, clientB) = (a.NewClient(), b.NewClient());

        var responses = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(i => (i % 2 == 0 ? clientA : clientB).RestoreWithBearerAsync(login.Refresh)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var jtis = (await Task.WhenAll(responses.Select(HttpHelpers.ReadLoginAsync))).Select(l => Jti(l.Refresh)).Distinct().ToList();
        Assert.Single(jtis);
        var session = Assert.Single(await b.Get<ISessionStore>().ListForUserAsync(UserId(login.AccessToken), CancellationToken.None));
        Assert.Equal(jtis[0], session.CurrentJti);
        Assert.Equal(Jti(login.Refresh), session.PreviousJti);
    }

    [ServersFact]
    public async Task AKeyRotatedOnInstanceAIsPublishedOnInstanceBBeforeEitherSignsWithItSoBAcceptsItsFirstTokens()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var clientA = a.NewClient();
        var clientB = b.NewClient();
        var first = await clientA.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(Kid(first.AccessToken), Kid((await clientB.SignUpAndLoginAsync()).AccessToken));
        var reload = b.Get<IOptions<SigningKeyOptions>>().Value.ReloadInterval;
        a.Time.Advance(TimeSpan.FromSeconds(1));

        var rotated = await a.Get<SigningKeyRing>().RotateAsync(CancellationToken.None);
        Assert.Equal(a.Time.GetUtcNow() + 2 * reload, rotated.SignsFrom);
        Assert.Contains(rotated.KeyId, await JwksKidsAsync(clientA));
        Assert.DoesNotContain(rotated.KeyId, await JwksKidsAsync(clientB));

        // B's periodic reload publishes it while both still sign with the old key.
        a.Time.Advance(reload - TimeSpan.FromSeconds(1));
        await EventuallyAsync(async () => (await JwksKidsAsync(clientB)).Contains(rotated.KeyId), "B publishes the key A rotated to");
        Assert.Equal(Kid(first.AccessToken), Kid((await clientA.SignUpAndLoginAsync()).AccessToken));
        Assert.Equal(Kid(first.AccessToken), Kid((await clientB.SignUpAndLoginAsync()).AccessToken));

        // Both switch at the same moment, and B already knows the kid of A's first tokens: B
        // reloads on an unknown kid only (see the next test), and this one is not.
        a.Time.Advance(rotated.SignsFrom - a.Time.GetUtcNow());
        Assert.True(b.Get<SigningKeyRing>().Knows(rotated.KeyId));
        var viaRefresh = await HttpHelpers.ReadLoginAsync(await clientA.RestoreWithBearerAsync(first.Refresh));
        Assert.Equal(rotated.KeyId, Kid(viaRefresh.AccessToken));
        Assert.Equal(rotated.KeyId, Kid(viaRefresh.Refresh));
        Assert.Equal(HttpStatusCode.OK, (await clientB.FetchProfileAsync(viaRefresh.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clientB.RestoreWithBearerAsync(viaRefresh.Refresh)).StatusCode);
        Assert.Equal(rotated.KeyId, Kid((await clientB.SignUpAndLoginAsync()).AccessToken));
        Assert.Equal(HttpStatusCode.OK, (await clientB.FetchProfileAsync(first.AccessToken)).StatusCode);
        Assert.Superset(new HashSet<string> { Kid(first.AccessToken), rotated.KeyId }, await JwksKidsAsync(clientB));
    }

    [ServersFact]
    public async Task AnInstanceWhoseReloadIsLateLearnsANewKidFromItsFirstTokenAtMostOnceASecond()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        // B's clock stands still, so its periodic reload never comes: an instance whose reloads
        // are late or failing while A's key takes over.
        var lagging = new FakeTimeProvider(MiniAuthApp.Epoch);
        await using var a = store.NewApp();
        await using var b = store.NewApp(lagging);
        var clientA = a.NewClient();
        var clientB = b.NewClient();
        var first = await clientA.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(Kid(first.AccessToken), Kid((await clientB.SignUpAndLoginAsync()).AccessToken));

        // Tokens signed by A's new key: B has never seen it and looks it up on first sight.
        var second = await a.Get<SigningKeyRing>().RotateAsync(CancellationToken.None);
        a.Time.Advance(second.SignsFrom - a.Time.GetUtcNow());
        var viaRefresh = await HttpHelpers.ReadLoginAsync(await clientA.RestoreWithBearerAsync(first.Refresh));
        Assert.Equal(second.KeyId, Kid(viaRefresh.Refresh));
        Assert.DoesNotContain(second.KeyId, await JwksKidsAsync(clientB));
        var restoredOnB = await clientB.RestoreWithBearerAsync(viaRefresh.Refresh);
        Assert.Equal(HttpStatusCode.OK, restoredOnB.StatusCode);
        var third = await a.Get<SigningKeyRing>().RotateAsync(CancellationToken.None);
        a.Time.Advance(third.SignsFrom - a.Time.GetUtcNow());
        var signedByThird = await clientA.SignUpAndLoginAsync();
        Assert.Equal(third.KeyId, Kid(signedByThird.AccessToken));
        // Within a second of B's last unknown-kid reload it does not reload again...
        await (await clientB.FetchProfileAsync(signedByThird.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // ...and a second later it does.
        lagging.Advance(SigningKeyRing.UnknownKidReloadThrottle);
        Assert.Equal(HttpStatusCode.OK, (await clientB.FetchProfileAsync(signedByThird.AccessToken)).StatusCode);
        Assert.Superset(new HashSet<string> { Kid(first.AccessToken), second.KeyId, third.KeyId }, await JwksKidsAsync(clientB));
    }

    [ServersFact]
    public async Task InstancesStartingTogetherOnAnEmptyStoreSettleOnOneSigningKey()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        await Task.WhenAll(Task.Run(() => a.Server), Task.Run(() => b.Server));
        // Each migration step ran once, though both instances raced to apply them.
        Assert.Equal("1,2,3,4,5,6,7,8", await TestServers.ScalarAsync($"SELECT string_agg(version::text, ',' ORDER BY version) FROM {store.Schema}.miniauth_schema"));

        // Whatever each one signs with, the other verifies it.
        var onA = await a.NewClient().SignUpAndLoginAsync(delivery: "body");
        var onB = await b.NewClient().SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(onA.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.NewClient().FetchProfileAsync(onB.AccessToken)).StatusCode);

        // And from PublishLead on they sign with the same one, the only key not retired once
        // their reload has recorded it.
        a.Time.Advance(a.Get<SigningKeyRing>().PublishLead);
        var ringA = a.Get<SigningKeyRing>();
        var ringB = b.Get<SigningKeyRing>();
        var keys = a.Get<ISigningKeyStore>();
        await EventuallyAsync(async () =>
                (await keys.ListAsync(CancellationToken.None)).Where(k => k.RetiredAt is null).ToList() is [var active]
                && ringA.SigningCredentials.Kid == active.Id && ringB.SigningCredentials.Kid == active.Id,
            "both instances sign with the one active key");
        Assert.Equal(HttpStatusCode.OK, (await a.NewClient().FetchProfileAsync(onB.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(onA.AccessToken)).StatusCode);
    }

    [ServersFact]
    public async Task FailedLoginsCountedOnInstanceAAreSeenOnInstanceB()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var window = TimeSpan.FromMinutes(15);
        var now = a.Time.GetUtcNow();
        await a.Get<ILoginFailureStore>().RecordFailureAsync("account:x", now, window, CancellationToken.None);
        await a.Get<ILoginFailureStore>().RecordFailureAsync("account:x", now, window, CancellationToken.None);

        // The third failure, counted on B, follows A's two.
        Assert.Equal(3, (await b.Get<ILoginFailureStore>().RecordFailureAsync("account:x", now, window, CancellationToken.None)).Count);
    }

    [ServersFact]
    public async Task RedisFreesASessionOnceItAndItsLastAccessTokenHaveEndedAndARevokedOneOnceItsAccessTokensAreDead()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var kept = await client.SignUpAndLoginAsync(delivery: "body");
        var ended = await client.SignUpAndLoginAsync(delivery: "body");
        var redis = (await TestServers.RedisAsync()).GetDatabase();
        var prefix = store.Settings["MiniAuth:Storage:RedisKeyPrefix"];
        string Key(Login login) => $"{prefix}session:{HttpHelpers.Claims(login.Refresh).GetProperty("sid").GetString()}";

        await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/auth/logout") { Headers = { Authorization = new("Bearer", ended.Refresh) } });

        // TTLs run on Redis' own clock: the time left by the service's clock when last written.
        // An expired session is kept while its access tokens live, so their 401 can say why.
        var sessionEnd = app.RefreshTokenLifetime + app.AccessTokenLifetime;
        var keptTtl = (await redis.KeyTimeToLiveAsync(Key(kept)))!.Value;
        Assert.InRange(keptTtl, sessionEnd - TimeSpan.FromMinutes(1), sessionEnd);
        var endedTtl = (await redis.KeyTimeToLiveAsync(Key(ended)))!.Value;
        Assert.InRange(endedTtl, app.AccessTokenLifetime - TimeSpan.FromMinutes(1), app.AccessTokenLifetime);
        var userIndex = $"{prefix}user-sessions:{UserId(kept.AccessToken)}";
        Assert.InRange((await redis.KeyTimeToLiveAsync(userIndex))!.Value, sessionEnd - TimeSpan.FromMinutes(1), sessionEnd);

        // A rotation moves the end, and the TTL with it.
        app.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(kept.Refresh)).StatusCode);
        Assert.InRange((await redis.KeyTimeToLiveAsync(Key(kept)))!.Value, sessionEnd - TimeSpan.FromMinutes(1), sessionEnd);
    }

    [ServersFact]
    public async Task NoLiteDbFileIsOpenedWhenEveryStoreIsOnAServer()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        Assert.False(File.Exists(app.DatabasePath), $"{app.DatabasePath} was created");
        Assert.False(Directory.Exists(Path.GetDirectoryName(app.DatabasePath)));
    }

    [ServersFact]
    public async Task HealthNamesTheStoreWhoseServerWentAwayAndRequestsNeedingItGet503()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        await using var proxy = new TcpProxy(TestServers.Redis!);
        await using var app = store.NewApp(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = proxy.RedisConnectionString,
        });
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var signedIn = await client.SignUpAndLoginAsync();

        await proxy.StopAsync();
        var problem = await (await client.GetAsync("/health")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal("These stores do not answer: sessions.", problem.GetProperty("detail").GetString());
        Assert.Equal("Healthy", problem.GetProperty("checks").GetProperty("users").GetString());
        Assert.Equal("Unhealthy", problem.GetProperty("checks").GetProperty("sessions").GetString());

        // A request that needs the lost store is a 503 to retry, never a 500.
        var login = await client.PostLoginAsync("someone@example.test");
        await login.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(login.Headers.RetryAfter);
        var profile = await client.FetchProfileAsync(signedIn.AccessToken);
        await profile.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(profile.Headers.RetryAfter);

        // A logout that cannot reach the store still drops the browser's cookie.
        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.Add("Cookie", $"{HttpHelpers.RefreshCookieName}={signedIn.Refresh}");
        var loggedOut = await client.SendAsync(logout);
        await loggedOut.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(HttpHelpers.RefreshCookie(loggedOut)!.Expires < DateTimeOffset.UnixEpoch.AddDays(1));
    }

    // What the host runs before it starts (options validation, then StorageConnector), run here
    // without a host: a failed in-process start can surface as an ObjectDisposedException from
    // the test host instead of its cause.
    static async Task<Exception> StartFailureAsync(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton(TimeProvider.System)
            .AddLogging();
        services.AddStorage();
        await using var provider = services.BuildServiceProvider();
        return await Record.ExceptionAsync(async () =>
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            foreach (var service in provider.GetServices<IHostedService>().OfType<IHostedLifecycleService>())
                await service.StartingAsync(CancellationToken.None);
        }) ?? throw new Xunit.Sdk.XunitException("The start did not fail.");
    }

    [Fact]
    public async Task StartStopsWithAMessageNamingTheRedisServerThatDoesNotAnswer()
    {
        var port = TestServers.ClosedPort();
        var error = await StartFailureAsync(new()
        {
            ["MiniAuth:Storage:Sessions"] = "Redis",
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{port},connectTimeout=1000",
        });
        var unavailable = Assert.IsType<StorageUnavailableException>(error);
        Assert.StartsWith($"Redis at 127.0.0.1:{port} (ConnectionStrings:Redis, used for MiniAuth:Storage:Sessions) does not answer:", unavailable.Message);
    }

    [Fact]
    public async Task StartStopsWithAMessageNamingThePostgresServerThatDoesNotAnswer()
    {
        var port = TestServers.ClosedPort();
        var error = await StartFailureAsync(new()
        {
            ["MiniAuth:Storage:Users"] = "Postgres",
            ["ConnectionStrings:Postgres"] = $"Host=127.0.0.1;Port={port};Username=miniauth;Database=miniauth;Timeout=2",
        });
        var unavailable = Assert.IsType<StorageUnavailableException>(error);
        Assert.StartsWith($"PostgreSQL at 127.0.0.1:{port} database miniauth (ConnectionStrings:Postgres, used for MiniAuth:Storage:Users) could not be used:", unavailable.Message);
    }

    [Theory]
    [InlineData("MiniAuth:Storage:Sessions", "Redis", "ConnectionStrings:Redis")]
    [InlineData("MiniAuth:Storage:Users", "Postgres", "ConnectionStrings:Postgres")]
    public async Task AServerBackendWithoutItsConnectionStringStopsTheStartNamingTheKey(string key, string value, string missing)
    {
        var error = await StartFailureAsync(new() { [key] = value });
        Assert.Contains($"{key} is {value}: set {missing}", Assert.IsType<OptionsValidationException>(error).Message);
    }

    [Fact]
    public async Task AnUnknownBackendNameStopsTheStartNamingTheKey()
    {
        var error = await StartFailureAsync(new() { ["MiniAuth:Storage:Sessions"] = "Memcached" });
        Assert.Contains("MiniAuth:Storage:Sessions", error.Message);
    }
}
