using MiniAuth.Storage;
using static MiniAuth.Tests.AdminTestHelpers;

namespace MiniAuth.Tests;

// The administration's promises on every backend (as BackendSuiteTests): paging, search,
// disabling, roles, deletion and the last-admin rule live in the user store.
public class BackendSuiteAdminTests
{
    static async Task<List<string>> WalkAsync(HttpClient client, string accessToken, string parameters, Func<Task>? betweenPages = null)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var url = $"/admin/users?{parameters}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var response = await client.SendAsync(HttpMethod.Get, url, accessToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.JsonAsync();
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next").GetString();
            if (cursor is not null && betweenPages is not null) await betweenPages();
        } while (cursor is not null);
        return ids;
    }

    static async Task<List<string>> SeedAsync(MiniAuthApp app, int count, int perInstant, string prefix = "bulk")
    {
        var users = app.Get<IUserStore>();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            // Several users share each instant, so the id has to break the ties.
            if (i % perInstant == 0) app.Time.Advance(TimeSpan.FromMilliseconds(1));
            var email = $"{prefix}-{Guid.NewGuid():N}@example.test";
            var user = UserRecord.Create(email, email.ToUpperInvariant(), null, "not a hash", [], app.Time.GetUtcNow());
            Assert.True(await users.TryCreateAsync(user, CancellationToken.None));
            ids.Add(user.Id);
        }
        return ids;
    }

    [Theory, OnLiteDb, OnServers]
    public async Task PagingSeesEveryUserExactlyOnceWhileOthersSignUpBetweenPages(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var expected = new List<string> { admin.UserId() };
        expected.AddRange(await SeedAsync(app, 250, perInstant: 7));

        var seen = await WalkAsync(client, admin.AccessToken, "limit=30", async () => expected.AddRange(await SeedAsync(app, 3, perInstant: 3, "late")));

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(251 + 3 * 9, seen.Count);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task QueryMatchesAnEmailOrNameSubstringInAnyCase(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        foreach (var (email, name) in new[] { ("ada.l@analytical.test", "Ada Lovelace"), ("grace@navy.test", "Grace Hopper"),
                     ("lovelace.fan@fans.test", null), ("nobody@else.test", "Someone") })
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email, name: name)).StatusCode);
        }

        async Task<string[]> EmailsAsync(string query) =>
            (await (await client.SendAsync(HttpMethod.Get, $"/admin/users?query={Uri.EscapeDataString(query)}", admin.AccessToken)).JsonAsync())
            .GetProperty("items").EnumerateArray().Select(u => u.GetProperty("email").GetString()!).ToArray();

        Assert.Equal(["ada.l@analytical.test", "lovelace.fan@fans.test"], await EmailsAsync("LOVELACE"));
        Assert.Equal(["grace@navy.test"], await EmailsAsync("hopp"));
        Assert.Equal(["grace@navy.test"], await EmailsAsync("NAVY.test"));
        Assert.Empty(await EmailsAsync("no such user"));
        // A filtered walk pages by the same cursor.
        Assert.Equal(2, (await WalkAsync(client, admin.AccessToken, "limit=1&query=lovelace")).Count);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task DisablingEndsEverySessionAtOnceAndKeepsTheAccountOut(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var email = HttpHelpers.NewEmail();
        var user = await client.SignUpAndLoginAsync(email: email, delivery: "body");
        var resetLink = await (await client.SendAsync(HttpMethod.Post, $"/admin/users/{user.UserId()}/password-reset", admin.AccessToken)).JsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(user.AccessToken)).StatusCode);

        var disabled = await client.PatchUserAsync(admin.AccessToken, user.UserId(), new { disabled = true });

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.True((await disabled.JsonAsync()).GetProperty("disabled").GetBoolean());
        // The live access token is refused on the very next request.
        var refused = await (await client.FetchProfileAsync(user.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", refused.GetProperty("code").GetString());
        Assert.Equal("account_disabled", refused.GetProperty("reason").GetString());
        var restore = await (await client.RestoreWithBearerAsync(user.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", restore.GetProperty("code").GetString());
        Assert.Equal("account_disabled", restore.GetProperty("reason").GetString());
        Assert.Equal("account_disabled", await (await client.PostLoginAsync(email)).CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal("invalid_credentials", await (await client.PostLoginAsync(email, "not the password")).CodeAsync(HttpStatusCode.Unauthorized));
        var token = resetLink.GetProperty("link").GetString()!.Split("#reset=")[1];
        Assert.Equal("account_disabled", await (await client.ResetPasswordAsync(token)).CodeAsync(HttpStatusCode.Forbidden));
        app.Logs.AssertAudit("AdminUpdatedUser", ("UserId", user.UserId()), ("Changes", "disabled=true"), ("EndedSessions", "1"));
        app.Logs.AssertAudit("LoginRefusedDisabled", ("UserId", user.UserId()));

        Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(admin.AccessToken, user.UserId(), new { disabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task ARoleChangeShowsInTheNextAccessToken(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var user = await client.SignUpAndLoginAsync(delivery: "body");

        var patched = await (await client.PatchUserAsync(admin.AccessToken, user.UserId(), new { roles = new[] { "editor", "support" } })).JsonAsync();

        Assert.Equal(["editor", "support"], patched.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(user.Roles());
        var restored = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(user.Refresh));
        Assert.Equal(["editor", "support"], restored.Roles());
        Assert.Equal(["editor", "support"], (await app.Get<IUserStore>().FindByIdAsync(user.UserId(), CancellationToken.None))!.Roles);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task DeletingAUserEndsItsSessionsRemovesItsTokensAndFreesTheEmail(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var email = HttpHelpers.NewEmail();
        var user = await client.SignUpAndLoginAsync(email: email, delivery: "body");
        var resetLink = await (await client.SendAsync(HttpMethod.Post, $"/admin/users/{user.UserId()}/password-reset", admin.AccessToken)).JsonAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, $"/admin/users/{user.UserId()}", admin.AccessToken)).StatusCode);

        Assert.Equal("account_deleted", await client.EndReasonAsync(user.AccessToken));
        var restore = await (await client.RestoreWithBearerAsync(user.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("account_deleted", restore.GetProperty("reason").GetString());
        await (await client.ResetPasswordAsync(resetLink.GetProperty("link").GetString()!.Split("#reset=")[1])).AssertTokenRefusedAsync();
        Assert.Equal("user_not_found", await (await client.SendAsync(HttpMethod.Get, $"/admin/users/{user.UserId()}", admin.AccessToken)).CodeAsync(HttpStatusCode.NotFound));
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
        app.Logs.AssertAudit("AdminDeletedUser", ("AdminId", admin.UserId()), ("UserId", user.UserId()), ("EndedSessions", "1"));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task TheStoreNeverLetsTheLastEnabledAdminGo(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var users = app.Get<IUserStore>();
        var ct = CancellationToken.None;

        Assert.Equal(UserChangeOutcome.LastHolder, (await users.TryChangeAsync(admin.UserId(), new UserChanges(Disabled: true), "admin", ct)).Outcome);
        Assert.Equal(UserChangeOutcome.LastHolder, (await users.TryChangeAsync(admin.UserId(), new UserChanges(Roles: ["editor"]), "admin", ct)).Outcome);
        Assert.Equal(UserChangeOutcome.LastHolder, await users.TryDeleteAsync(admin.UserId(), "admin", ct));
        Assert.Equal(UserChangeOutcome.NotFound, await users.TryDeleteAsync("nobody", "admin", ct));
        // A disabled admin does not count as the other one.
        var other = await client.SignUpAndLoginAsync();
        Assert.Equal(UserChangeOutcome.Changed, (await users.TryChangeAsync(other.UserId(), new UserChanges(Disabled: true, Roles: ["admin"]), "admin", ct)).Outcome);
        Assert.Equal(UserChangeOutcome.LastHolder, await users.TryDeleteAsync(admin.UserId(), "admin", ct));
        Assert.Equal(["admin"], (await users.FindByIdAsync(admin.UserId(), ct))!.Roles);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task TwoAdminsDemotingEachOtherAtOnceLeaveOneAdmin(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin());
        var client = app.NewClient();
        var first = await client.LoginAdminAsync();
        var secondEmail = HttpHelpers.NewEmail();
        var second = await client.SignUpAndLoginAsync(email: secondEmail);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(first.AccessToken, second.UserId(), new { roles = new[] { "admin" } })).StatusCode);

        for (var round = 0; round < 5; round++)
        {
            var a = await client.LoginAdminAsync();
            var bLogin = await client.LoginAsync(secondEmail);
            var results = await Task.WhenAll(
                client.PatchUserAsync(a.AccessToken, bLogin.UserId(), new { roles = Array.Empty<string>() }),
                client.PatchUserAsync(bLogin.AccessToken, a.UserId(), new { roles = Array.Empty<string>() }));

            var admins = (await app.Get<IUserStore>().ListAsync(CancellationToken.None)).Where(u => u.Roles.Contains("admin")).ToList();
            Assert.Single(admins);
            Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
            // Put the demoted one back for the next round.
            var remaining = admins[0].Id == a.UserId() ? a : bLogin;
            var demoted = remaining == a ? bLogin : a;
            Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(remaining.AccessToken, demoted.UserId(), new { roles = new[] { "admin" } })).StatusCode);
        }
    }
}
