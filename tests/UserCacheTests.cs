using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using MiniAuth.Auth.Mail;
using MiniAuth.Storage;
using MiniAuth.Storage.Redis;
using static MiniAuth.Tests.AdminTestHelpers;

namespace MiniAuth.Tests;

// The short user cache behind GET /profile and restores (RecentUsers, MiniAuth:Storage:UserCacheLifetime):
// a change shows at once on the instance that made it, on the others as soon as Redis tells them,
// and without that notice once the lifetime has passed, never later.
public class UserCacheTests
{
    static readonly TimeSpan Lifetime = new StorageOptions().UserCacheLifetime;

    static async Task<JsonElement> ProfileAsync(HttpClient client, Login login)
    {
        var response = await client.FetchProfileAsync(login.AccessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    static async Task<Login> RestoreAsync(HttpClient client, Login login)
    {
        var response = await client.RestoreWithBearerAsync(login.Refresh);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await HttpHelpers.ReadLoginAsync(response);
    }

    static string? Name(JsonElement profile) => profile.GetProperty("name").GetString();

    static Task<HttpResponseMessage> RenameAsync(HttpClient client, Login login, string name) =>
        client.SendAsync(HttpMethod.Patch, "/profile", login.AccessToken, new { name });

    static HttpClient NewClient(WebApplicationFactory<Program> app) => app.CreateClient(new WebApplicationFactoryClientOptions
    {
        HandleCookies = false,
        AllowAutoRedirect = false,
        BaseAddress = new Uri("https://localhost"),
    });

    [Theory, OnLiteDb, OnServers]
    public async Task ARenameARoleChangeAndAVerifiedEmailShowInTheProfileAndTheNextRestoreAtOnce(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin());
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var login = await client.LoginAsync(email, delivery: "body");
        var admin = await client.LoginAdminAsync();
        // Both reads cache the user as it was; the clock never moves in this test.
        Assert.False((await ProfileAsync(client, login)).GetProperty("emailVerified").GetBoolean());
        login = await RestoreAsync(client, login);
        Assert.Empty(login.Roles());

        Assert.Equal(HttpStatusCode.OK, (await RenameAsync(client, login, "Ada")).StatusCode);
        Assert.Equal("Ada", Name(await ProfileAsync(client, login)));

        Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(admin.AccessToken, login.UserId(), new { roles = new[] { "editor" } })).StatusCode);
        Assert.Equal(new[] { "editor" }, (await ProfileAsync(client, login)).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        login = await RestoreAsync(client, login);
        Assert.Equal(new[] { "editor" }, login.Roles());

        Assert.Equal(HttpStatusCode.NoContent, (await client.VerifyEmailAsync(Assert.Single(app.Mail.To(email, MailTemplates.VerifyEmail)).Token())).StatusCode);
        Assert.True((await ProfileAsync(client, login)).GetProperty("emailVerified").GetBoolean());
        login = await RestoreAsync(client, login);
        Assert.True(HttpHelpers.Claims(login.AccessToken).GetProperty("email_verified").GetBoolean());
    }

    [Theory, OnLiteDb, OnServers]
    public async Task ADeletedAccountIsGoneForRestoreAndProfileAtOnceThoughItWasCached(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var phone = await RestoreAsync(client, await client.LoginAsync(email, delivery: "body"));
        var laptop = await RestoreAsync(client, await client.LoginAsync(email, delivery: "body"));
        await ProfileAsync(client, phone);

        // Through the store alone the sessions stay alive, so only the user read can tell.
        Assert.True(await app.Get<IUserStore>().DeleteAsync(phone.UserId(), CancellationToken.None));
        var restore = await (await client.RestoreWithBearerAsync(phone.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("account_deleted", restore.GetProperty("reason").GetString());
        Assert.Equal("account_deleted", await client.EndReasonAsync(laptop.AccessToken));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task ADeletionThroughTheApiAnswersTheRestoreAsBeforeOnTheInstanceThatDeleted(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var login = await RestoreAsync(client, await client.SignUpAndLoginAsync(delivery: "body"));
        await ProfileAsync(client, login);

        var deleted = await client.SendAsync(HttpMethod.Delete, "/profile", login.AccessToken, new { currentPassword = HttpHelpers.Password });
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var restore = await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("account_deleted", restore.GetProperty("reason").GetString());
        Assert.Equal("account_deleted", await client.EndReasonAsync(login.AccessToken));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("00:00:00", false)]
    public Task ProfileReadsReachTheStoreOncePerLifetimeOrEachTimeWhenTheCacheIsOff(string? lifetime, bool cached) =>
        CountReadsAsync(Backend.LiteDb, lifetime, cached);

    [Theory, OnServers]
    public Task ProfileReadsReachPostgresOncePerLifetime(Backend backend) => CountReadsAsync(backend, null, cached: true);

    static async Task CountReadsAsync(Backend backend, string? lifetime, bool cached)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        var settings = new Dictionary<string, string?>();
        if (lifetime is not null) settings["MiniAuth:Storage:UserCacheLifetime"] = lifetime;
        await using var app = store.NewApp(settings: settings);
        var counted = new ReadCounter();
        await using var counting = app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.Decorate<IUserStore>(inner => new CountingUserStore(inner, counted))));
        var client = NewClient(counting);
        var login = await client.SignUpAndLoginAsync();
        counted.Reads = 0;

        for (var i = 0; i < 3; i++) await ProfileAsync(client, login);
        Assert.Equal(cached ? 1 : 3, counted.Reads);

        // The bound: one tick short of the lifetime the copy still serves, at the lifetime it does not.
        app.Time.Advance(Lifetime - TimeSpan.FromTicks(1));
        await ProfileAsync(client, login);
        Assert.Equal(cached ? 1 : 4, counted.Reads);
        app.Time.Advance(TimeSpan.FromTicks(1));
        await ProfileAsync(client, login);
        Assert.Equal(cached ? 2 : 5, counted.Reads);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:05:01")]
    public async Task ALifetimeOutOfBoundsStopsTheStartNamingTheKey(string lifetime)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:Storage:UserCacheLifetime"] = lifetime });
        var failure = Assert.ThrowsAny<Exception>(() => app.NewClient());
        var reported = failure + string.Join("\n", app.Logs.All);
        Assert.Contains("MiniAuth:Storage:UserCacheLifetime must be between 00:00:00 and 00:05:00", reported);
    }

    // Two instances on the same servers and the same clock; B optionally deaf to Redis' notices.
    static (MiniAuthApp A, MiniAuthApp B, WebApplicationFactory<Program> BServed) TwoInstances(TestBackend store, bool bListens)
    {
        var time = new FakeTimeProvider(MiniAuthApp.Epoch);
        var (a, b) = (store.NewApp(time), store.NewApp(time));
        var served = bListens ? b : b.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(RedisUserChangeListener)))));
        return (a, b, served);
    }

    [ServersFact]
    public async Task ARenameOnInstanceAReachesInstanceBsProfileThroughRedisLongBeforeTheLifetime()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b, _) = TwoInstances(store, bListens: true);
        await using var _a = a; await using var _b = b;
        var onA = a.NewClient();
        var onB = b.NewClient();
        var login = await onA.SignUpAndLoginAsync(delivery: "body");
        Assert.Null(Name(await ProfileAsync(onB, login)));

        Assert.Equal(HttpStatusCode.OK, (await RenameAsync(onA, login, "Ada")).StatusCode);

        // The clock stands still: only the notice can make B read the store again.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Name(await ProfileAsync(onB, login)) != "Ada")
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("B still shows the old name 10 s after the rename on A");
            await Task.Yield();
        }
        Assert.Equal(MiniAuthApp.Epoch, a.Time.GetUtcNow());
    }

    [ServersFact]
    public async Task WithoutRedisNoticesInstanceBShowsARenameOnceTheLifetimeHasPassedAndNotBefore()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b, deaf) = TwoInstances(store, bListens: false);
        await using var _a = a; await using var _b = b; await using var _deaf = deaf;
        var onA = a.NewClient();
        var onB = NewClient(deaf);
        var login = await onA.SignUpAndLoginAsync(delivery: "body");
        Assert.Null(Name(await ProfileAsync(onB, login)));

        Assert.Equal(HttpStatusCode.OK, (await RenameAsync(onA, login, "Ada")).StatusCode);
        Assert.Equal("Ada", Name(await ProfileAsync(onA, login)));
        Assert.Null(Name(await ProfileAsync(onB, login)));

        a.Time.Advance(Lifetime - TimeSpan.FromTicks(1));
        Assert.Null(Name(await ProfileAsync(onB, login)));
        a.Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("Ada", Name(await ProfileAsync(onB, login)));
    }

    [ServersFact]
    public async Task AWriteWhoseNoticeCannotReachRedisStillSucceedsAndTheFailureIsLoggedOnce()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        await using var proxy = new TcpProxy(TestServers.Redis!);
        await using var app = store.NewApp(settings: new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = proxy.RedisConnectionString,
        });
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        await proxy.StopAsync();
        // A signup writes the user to PostgreSQL and needs nothing of Redis.
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(HttpHelpers.NewEmail())).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(HttpHelpers.NewEmail())).StatusCode);

        await app.Get<RedisUserChanges>().PublishedAsync();
        Assert.Single(app.Logs.All, line => line.StartsWith("Could not tell the other instances that a user changed", StringComparison.Ordinal));
    }

    sealed class ReadCounter
    {
        public int Reads;
    }

    sealed class CountingUserStore(IUserStore inner, ReadCounter counter) : ForwardingUserStore(inner)
    {
        public override Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct)
        {
            Interlocked.Increment(ref counter.Reads);
            return Inner.FindByIdAsync(id, ct);
        }
    }
}
