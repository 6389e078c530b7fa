using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

public class StoredAuditTrailTests
{
    const string Ip = "203.0.113.77";

    static async Task<Login> AdminLoginAsync(HttpClient client) =>
        await client.LoginAsync(AuditTestHelpers.AdminEmail, AuditTestHelpers.AdminPassword);

    static async Task<List<AuditEventRecord>> EveryStoredEventAsync(MiniAuthApp app)
    {
        await app.FlushAuditAsync();
        return [.. await app.Get<IAuditStore>().ListAsync(new AuditQuery(null, null, null, 100_000), CancellationToken.None)];
    }

    static Task SweepAsync(MiniAuthApp app) =>
        app.Services.GetServices<IHostedService>().OfType<SessionSweeper>().Single().SweepOnceAsync(CancellationToken.None);

    // The writer batches: the first event waits up to AuditWriter.Linger for others. A listing
    // still shows what happened before it, with the clock standing still (no linger passes).
    [Fact]
    public async Task EventsWaitForTheirBatchInTheStoreButTheNextListingShowsThem()
    {
        await using var app = new MiniAuthApp(settings: AuditTestHelpers.WithAdmin());
        var client = app.NewClient();
        var admin = await AdminLoginAsync(client);
        await app.FlushAuditAsync();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var store = app.Get<IAuditStore>();
        async Task<int> StoredAsync() => (await store.ListAsync(new AuditQuery(login.UserId(), null, null, 10), CancellationToken.None)).Count;
        Assert.Equal(0, await StoredAsync());

        var listed = await (await client.SendWithBearerAsync(HttpMethod.Get, $"/admin/audit?userId={login.UserId()}", admin.AccessToken)).JsonAsync();
        Assert.Equal("NewDeviceSignIn,LoginSucceeded,SignedUp",
            string.Join(",", listed.GetProperty("items").EnumerateArray().Select(i => i.Text("type"))));
        Assert.Equal(3, await StoredAsync());
        Assert.Equal(MiniAuthApp.Epoch, app.Time.GetUtcNow());
    }

    [Fact]
    public async Task LoginFailedLoginRefreshLogoutAndPasswordChangeAreStoredWithTypeUserSessionAndIp()
    {
        await using var app = new MiniAuthApp(settings: AuditTestHelpers.WithAdmin());
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        await client.LoginFromAsync(email, "wrong password here", address: Ip);
        var login = await HttpHelpers.ReadLoginAsync(await client.SendAsync(
            AccountTestHelpers.Post("/auth/login", new { email, password = HttpHelpers.Password, refreshTokenDelivery = "body" }).From(Ip)));
        var restore = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken").WithBearer(login.Refresh).From(Ip);
        var restored = await HttpHelpers.ReadLoginAsync(await client.SendAsync(restore));
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Post, "/profile/password", restored.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword = "another long passphrase" }, Ip)).StatusCode);
        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout").WithBearer(restored.AccessToken).From(Ip);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout)).StatusCode);

        var admin = await AdminLoginAsync(client);
        var page = await app.AuditPageAsync(client, admin.AccessToken, $"/admin/audit?userId={login.UserId()}");
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        // Newest first, each with its user, session and address.
        Assert.Equal("LoggedOut,PasswordChanged,TokenRefreshed,NewDeviceSignIn,LoginSucceeded,LoginFailed,SignedUp",
            string.Join(",", items.Select(i => i.Text("type"))));
        foreach (var item in items.Take(6))
        {
            Assert.Equal(login.UserId(), item.Text("userId"));
            Assert.Equal(Ip, item.Text("ipAddress"));
            Assert.Equal(MiniAuthApp.Epoch, item.GetProperty("at").GetDateTimeOffset());
            Assert.Equal(24, item.Text("id")!.Length);
        }
        foreach (var item in items.Take(5)) Assert.Equal(login.SessionId(), item.Text("sessionId"));
        Assert.Null(items[5].Text("sessionId"));
        Assert.Equal(1, items[5].GetProperty("detail").GetProperty("failureCount").GetInt32());
        Assert.Equal(0, items[1].GetProperty("detail").GetProperty("revokedCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, items[0].GetProperty("detail").ValueKind);
    }

    [Fact]
    public async Task TheAdminAuditFiltersByUserAndByType()
    {
        await using var app = new MiniAuthApp(settings: AuditTestHelpers.WithAdmin());
        var client = app.NewClient();
        var ada = await client.SignUpAndLoginAsync();
        var bob = await client.SignUpAndLoginAsync();
        await client.PostLoginAsync(HttpHelpers.NewEmail(), "wrong password here");
        var admin = await AdminLoginAsync(client);

        var ofBob = await app.AuditItemsAsync(client, admin.AccessToken, $"/admin/audit?userId={bob.UserId()}");
        Assert.Equal("NewDeviceSignIn,LoginSucceeded,SignedUp", string.Join(",", ofBob.Select(i => i.Text("type"))));
        Assert.All(ofBob, i => Assert.Equal(bob.UserId(), i.Text("userId")));

        var logins = await app.AuditItemsAsync(client, admin.AccessToken, "/admin/audit?type=LoginSucceeded");
        Assert.Equal(string.Join(",", new[] { admin.UserId(), bob.UserId(), ada.UserId() }), string.Join(",", logins.Select(i => i.Text("userId"))));

        var both = await app.AuditItemsAsync(client, admin.AccessToken, $"/admin/audit?userId={ada.UserId()}&type=SignedUp");
        Assert.Equal(ada.UserId(), Assert.Single(both).Text("userId"));
        // Unknown emails fail too, with no user; an empty filter filters nothing.
        Assert.Null(Assert.Single(await app.AuditItemsAsync(client, admin.AccessToken, "/admin/audit?type=LoginFailed")).Text("userId"));
        Assert.Equal(9, (await app.AuditItemsAsync(client, admin.AccessToken, "/admin/audit?userId=&type=")).Count(i => i.Text("type") != "AdminSeeded"));
    }

    // The stored trail has a filter rule of its own: a quieter log keeps it whole.
    [Fact]
    public async Task EventsAreStoredEvenWhenTheLogLevelSilencesTheAuditCategory()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "None",
            ["Logging:LogLevel:MiniAuth.Auth.AuditTrail"] = "None",
        });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var stored = await EveryStoredEventAsync(app);
        Assert.Equal("NewDeviceSignIn,LoginSucceeded,SignedUp", string.Join(",", stored.Select(e => e.Type)));
        Assert.All(stored, e => Assert.Equal(login.UserId(), e.UserId));
    }

    [Fact]
    public async Task PagingWithNextSeesEveryEventOnceWhileNewEventsArrive()
    {
        await using var app = new MiniAuthApp(settings: AuditTestHelpers.WithAdmin());
        var client = app.NewClient();
        var admin = await AdminLoginAsync(client);
        var audit = app.Get<AuditTrail>();
        for (var i = 0; i < 95; i++) audit.ProfileUpdated($"user-{i}", "session", Ip);
        var before = (await EveryStoredEventAsync(app)).Select(e => e.Id).ToHashSet();

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await app.AuditPageAsync(client, admin.AccessToken, "/admin/audit?limit=10" + (next is null ? "" : $"&before={next}"));
            var items = page.GetProperty("items").EnumerateArray().ToArray();
            Assert.InRange(items.Length, 1, 10);
            var ids = items.Select(i => i.Text("id")!).ToList();
            Assert.Equal(ids.OrderDescending(StringComparer.Ordinal), ids);
            seen.AddRange(ids);
            next = page.GetProperty("next").GetString();
            // Events logged between two pages are newer than the cursor: they never shift the pages.
            for (var i = 0; i < 3; i++) audit.ProfileUpdated($"late-{pages}-{i}", "session", Ip);
            pages++;
        }
        while (next is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Superset(before, seen.ToHashSet());
        Assert.Equal(before.Count, seen.Count);
        Assert.True(pages >= 10);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("before=not-a-cursor", "before")]
    public async Task BadQueryValuesAre400WithTheField(string query, string field)
    {
        await using var app = new MiniAuthApp(settings: AuditTestHelpers.WithAdmin());
        var client = app.NewClient();
        var admin = await AdminLoginAsync(client);
        var user = await client.SignUpAndLoginAsync();
        foreach (var (url, token) in new[] { ("/admin/audit", admin.AccessToken), ("/profile/activity", user.AccessToken) })
        {
            var problem = await (await client.SendWithBearerAsync(HttpMethod.Get, $"{url}?{query}", token)).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        }
    }

    [Fact]
    public async Task TheAdminAuditIs403ForANonAdminAnd401WithoutAToken()
    {
        await using var app = new MiniAuthApp(settings: AuditTestHelpers.WithAdmin());
        var client = app.NewClient();
        var user = await client.SignUpAndLoginAsync();
        var forbidden = await (await client.SendWithBearerAsync(HttpMethod.Get, "/admin/audit", user.AccessToken)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", forbidden.GetProperty("code").GetString());
        await (await client.GetAsync("/admin/audit")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/profile/activity")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ProfileActivityShowsTheCallersOwnUserFacingEventsOnly()
    {
        await using var app = new MiniAuthApp(settings: AuditTestHelpers.WithAdmin());
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        await client.LoginFromAsync(email, "wrong password here", address: "198.51.100.9");
        var ada = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: Ip));
        var bob = await client.SignUpAndLoginAsync();
        await client.SendAsync(HttpMethod.Post, "/profile/password", ada.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword = "another long passphrase" }, Ip);
        await client.RestoreWithBearerAsync(bob.Refresh);
        var admin = await AdminLoginAsync(client);
        await client.SendAsync(HttpMethod.Delete, $"/admin/users/{ada.UserId()}/sessions", admin.AccessToken, address: "192.0.2.1");
        var again = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, "another long passphrase", address: Ip));

        var items = await app.AuditItemsAsync(client, again.AccessToken, "/profile/activity");
        // Each login of the test's client is from a new device: it sends no device cookie.
        Assert.Equal("NewDeviceSignIn,LoginSucceeded,AdminForcedLogout,PasswordChanged,NewDeviceSignIn,LoginSucceeded,SignedUp",
            string.Join(",", items.Select(i => i.Text("type"))));
        Assert.All(items, i => Assert.Equal(ada.UserId(), i.Text("userId")));
        // What an admin did shows without the admin's id, session or address; a stranger's failed
        // attempt does not show at all.
        var forced = items[2];
        Assert.Null(forced.Text("sessionId"));
        Assert.Null(forced.Text("ipAddress"));
        Assert.Equal(1, forced.GetProperty("detail").GetProperty("count").GetInt32());
        Assert.False(forced.GetProperty("detail").TryGetProperty("adminId", out _));
        var text = string.Join(" ", items.Select(i => i.GetRawText()));
        Assert.DoesNotContain(admin.UserId(), text);
        Assert.DoesNotContain(bob.UserId(), text);
        Assert.DoesNotContain("198.51.100.9", text);
        Assert.DoesNotContain("192.0.2.1", text);

        var bobs = await app.AuditItemsAsync(client, bob.AccessToken, "/profile/activity?type=LoginFailed");
        Assert.Empty(bobs);
        var paged = await app.AuditPageAsync(client, again.AccessToken, "/profile/activity?limit=3");
        Assert.Equal(3, paged.GetProperty("items").GetArrayLength());
        var rest = await app.AuditItemsAsync(client, again.AccessToken, $"/profile/activity?before={paged.GetProperty("next").GetString()}");
        Assert.Equal("PasswordChanged,NewDeviceSignIn,LoginSucceeded,SignedUp", string.Join(",", rest.Select(i => i.Text("type"))));
    }

    [Fact]
    public async Task TheSweeperDeletesEventsOnceTheyAreOlderThanTheRetention()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:Audit:Retention"] = "30.00:00:00" });
        var client = app.NewClient();
        var old = await client.SignUpAndLoginAsync();
        app.Time.Advance(TimeSpan.FromDays(1));
        var recent = await client.SignUpAndLoginAsync();
        await app.FlushAuditAsync();

        app.Time.Advance(TimeSpan.FromDays(29));
        await SweepAsync(app);
        Assert.Equal(6, (await EveryStoredEventAsync(app)).Count);

        app.Time.Advance(TimeSpan.FromSeconds(1));
        await SweepAsync(app);
        var kept = await EveryStoredEventAsync(app);
        Assert.Equal(3, kept.Count);
        Assert.All(kept, e => Assert.Equal(recent.UserId(), e.UserId));
        Assert.DoesNotContain(kept, e => e.UserId == old.UserId());
    }

    [Fact]
    public async Task NoStoredEventHoldsAPasswordATokenOrAnEmail()
    {
        await using var app = new MiniAuthApp(settings: AuditTestHelpers.WithAdmin());
        var client = app.NewClient();
        const string newPassword = "another long passphrase";
        var email = await client.NewAccountAsync();
        await client.LoginFromAsync(email, "wrong password here", address: Ip);
        await client.PostLoginAsync(HttpHelpers.NewEmail(), "wrong password here");
        var login = await client.LoginAsync(email, delivery: "body");
        var restored = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await client.RestoreWithBearerAsync(login.Refresh);
        var second = await client.LoginAsync(email);
        await client.SendAsync(HttpMethod.Post, "/profile/password", second.AccessToken, new { currentPassword = HttpHelpers.Password, newPassword });
        await client.PostAsJsonAsync("/auth/password/forgot", new { email });
        await client.SendAsync(HttpMethod.Post, "/profile/email", second.AccessToken, new { newEmail = HttpHelpers.NewEmail(), currentPassword = newPassword });
        var admin = await AdminLoginAsync(client);
        await client.SendAsync(HttpMethod.Delete, $"/admin/users/{login.UserId()}/sessions", admin.AccessToken);

        var stored = await EveryStoredEventAsync(app);
        Assert.True(stored.Count >= 12);
        string[] secrets = [HttpHelpers.Password, newPassword, "wrong password here", AuditTestHelpers.AdminPassword,
            login.AccessToken, login.Refresh, restored.AccessToken, restored.Refresh, second.AccessToken, admin.AccessToken,
            "$argon2", email, AuditTestHelpers.AdminEmail, "@example.test"];
        foreach (var record in stored)
        {
            var text = JsonSerializer.Serialize(record);
            foreach (var secret in secrets) Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task AStoreThatHangsOrFailsWritingTheTrailDelaysNoRequestAndFailsNone()
    {
        var failing = new FailingAuditStore();
        await using var app = new MiniAuthApp();
        var broken = app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddSingleton<IAuditStore>(failing)));
        var client = broken.CreateClient(new() { BaseAddress = new Uri("https://localhost") });

        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
        // The clock stands still: a flush is what ends the writer's linger.
        _ = broken.Services.GetRequiredService<AuditWriter>().FlushAsync();
        await failing.Writing.Task;
        // The writer is stuck in the store: requests go on, their events wait in the queue.
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);
        failing.Fail.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync((await client.LoginAsync(email)).AccessToken)).StatusCode);

        // Stopping, the writer tries once more and says what was not stored, in its own category.
        await broken.DisposeAsync();
        var complaints = app.Logs.All.Where(line => line.Contains("audit events failed")).ToList();
        Assert.NotEmpty(complaints);
        Assert.All(complaints, line => Assert.DoesNotContain(email, line));
        Assert.True(failing.Calls >= 2);
    }

    sealed class FailingAuditStore : IAuditStore
    {
        int _calls;
        public int Calls => Volatile.Read(ref _calls);
        public TaskCompletionSource Writing { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Fail { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task AddAsync(IReadOnlyList<AuditEventRecord> events, CancellationToken ct)
        {
            Interlocked.Increment(ref _calls);
            Writing.TrySetResult();
            await Fail.Task.WaitAsync(ct);
            throw new IOException("The disk is full.");
        }

        public Task<IReadOnlyList<AuditEventRecord>> ListAsync(AuditQuery query, CancellationToken ct) => throw new IOException("The disk is full.");
        public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct) => Task.FromResult(0);
    }
}
