using MiniAuth.Storage;
using static MiniAuth.Tests.AdminTestHelpers;

namespace MiniAuth.Tests;

public class AdminUsersApiTests
{
    [Fact]
    public async Task GetUserShowsTheProfileWithDisabledVerifiedLastLoginAndMfa()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin());
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email, name: "Ada")).StatusCode);
        var created = await app.Get<IUserStore>().FindByEmailAsync(email.ToUpperInvariant(), CancellationToken.None);
        var admin = await client.LoginAdminAsync();

        var before = await (await client.SendAsync(HttpMethod.Get, $"/admin/users/{created!.Id}", admin.AccessToken)).JsonAsync();
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastLoginAt").ValueKind);
        app.Time.Advance(TimeSpan.FromMinutes(3));
        await client.LoginAsync(email);
        var user = await (await client.SendAsync(HttpMethod.Get, $"/admin/users/{created.Id}", admin.AccessToken)).JsonAsync();

        Assert.Equal(created.Id, user.GetProperty("id").GetString());
        Assert.Equal(email, user.GetProperty("email").GetString());
        Assert.Equal("Ada", user.GetProperty("name").GetString());
        Assert.False(user.GetProperty("disabled").GetBoolean());
        Assert.False(user.GetProperty("emailVerified").GetBoolean());
        Assert.Equal(MiniAuthApp.Epoch + TimeSpan.FromMinutes(3), user.GetProperty("lastLoginAt").GetDateTimeOffset());
        Assert.Empty(user.GetProperty("mfa").EnumerateArray());
        Assert.Empty(user.GetProperty("roles").EnumerateArray());
        app.Logs.AssertAudit("AdminViewedUser", ("AdminId", admin.UserId()), ("UserId", created.Id));
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("PATCH", "")]
    [InlineData("DELETE", "")]
    [InlineData("POST", "/password-reset")]
    public async Task UserRoutesAre404ForAnUnknownUserAnd403ForANonAdmin(string method, string suffix)
    {
        await using var app = new MiniAuthApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var user = await client.SignUpAndLoginAsync();
        var body = method == "PATCH" ? new { name = "x" } : null;

        Assert.Equal("user_not_found", await (await client.SendAsync(new HttpMethod(method), $"/admin/users/nobody{suffix}", admin.AccessToken, body))
            .CodeAsync(HttpStatusCode.NotFound));
        Assert.Equal("forbidden", await (await client.SendAsync(new HttpMethod(method), $"/admin/users/{admin.UserId()}{suffix}", user.AccessToken, body))
            .CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal("forbidden", await (await client.SendAsync(HttpMethod.Get, "/admin/users", user.AccessToken)).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=bm9kb3Q", "cursor")]
    // A store may refuse a NUL (PostgreSQL does): refused before it gets there.
    [InlineData("query=%00", "query")]
    [InlineData("cursor=MS4A", "cursor")]
    public async Task ListUsersRefusesABadLimitOrCursor(string parameters, string field)
    {
        await using var app = new MiniAuthApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();

        var problem = await (await client.SendAsync(HttpMethod.Get, $"/admin/users?{parameters}", admin.AccessToken)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task ListUsersGivesFiftyByDefaultOldestFirst()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var users = app.Get<IUserStore>();
        for (var i = 0; i < 60; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            var email = $"bulk-{i:D2}@example.test";
            Assert.True(await users.TryCreateAsync(UserRecord.Create(email, email.ToUpperInvariant(), null, "x", [], app.Time.GetUtcNow()), CancellationToken.None));
        }

        var page = await (await client.SendAsync(HttpMethod.Get, "/admin/users", admin.AccessToken)).JsonAsync();

        var emails = page.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("email").GetString()).ToList();
        Assert.Equal(50, emails.Count);
        Assert.Equal(AdminEmail, emails[0]);
        Assert.Equal("bulk-00@example.test", emails[1]);
        Assert.Equal("bulk-48@example.test", emails[49]);
        Assert.Equal(JsonValueKind.String, page.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task AnAdminCannotDisableOrDeleteThemselves()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var other = await client.SignUpAndLoginAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(admin.AccessToken, other.UserId(), new { roles = new[] { "admin" } })).StatusCode);

        Assert.Equal("cannot_change_self", await (await client.PatchUserAsync(admin.AccessToken, admin.UserId(), new { disabled = true }))
            .CodeAsync(HttpStatusCode.Conflict));
        Assert.Equal("cannot_change_self", await (await client.SendAsync(HttpMethod.Delete, $"/admin/users/{admin.UserId()}", admin.AccessToken))
            .CodeAsync(HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(admin.AccessToken)).StatusCode);
        app.Logs.AssertAudit("AdminChangeRefused", ("Code", "cannot_change_self"));
    }

    [Fact]
    public async Task TheOnlyAdminCannotDropTheirOwnAdminRoleButCanOnceAnotherAdminExists()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();

        Assert.Equal("last_admin", await (await client.PatchUserAsync(admin.AccessToken, admin.UserId(), new { roles = Array.Empty<string>() }))
            .CodeAsync(HttpStatusCode.Conflict));
        var other = await client.SignUpAndLoginAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(admin.AccessToken, other.UserId(), new { roles = new[] { "admin" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(admin.AccessToken, admin.UserId(), new { roles = new[] { "editor" } })).StatusCode);
        // The store's role counts at once: the former admin is out of the admin routes.
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(HttpMethod.Get, "/admin/users", admin.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task UpdateUserValidatesRolesAndClearsANameWithAnEmptyString()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email, name: "Grace")).StatusCode);
        var user = await client.LoginAsync(email);

        var bad = await (await client.PatchUserAsync(admin.AccessToken, user.UserId(), new { roles = new[] { "ok", "ok" } })).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(bad.GetProperty("errors").TryGetProperty("roles", out _));
        var renamed = await (await client.PatchUserAsync(admin.AccessToken, user.UserId(), new { name = "Grace H." })).JsonAsync();
        Assert.Equal("Grace H.", renamed.GetProperty("name").GetString());
        var cleared = await (await client.PatchUserAsync(admin.AccessToken, user.UserId(), new { name = "" })).JsonAsync();
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("name").ValueKind);
        app.Logs.AssertAudit("AdminUpdatedUser", ("AdminId", admin.UserId()), ("UserId", user.UserId()), ("Changes", "name"));
        Assert.DoesNotContain(app.Logs.All, line => line.Contains("Grace H.") || line.Contains(email, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task APasswordResetLinkResetsThePasswordOnceAndReplacesEarlierLinks()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin(("MiniAuth:PublicUrl", "https://auth.example.test")));
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var user = await client.SignUpAndLoginAsync();
        var url = $"/admin/users/{user.UserId()}/password-reset";

        var first = await (await client.SendAsync(HttpMethod.Post, url, admin.AccessToken)).JsonAsync();
        var response = await client.SendAsync(HttpMethod.Post, url, admin.AccessToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var link = await response.JsonAsync();
        Assert.StartsWith("https://auth.example.test/#reset=", link.GetProperty("link").GetString());
        Assert.Equal(MiniAuthApp.Epoch + TimeSpan.FromMinutes(30), link.GetProperty("expiresAt").GetDateTimeOffset());
        static string TokenOf(JsonElement body) => body.GetProperty("link").GetString()!.Split("#reset=")[1];
        await (await client.ResetPasswordAsync(TokenOf(first))).AssertTokenRefusedAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(TokenOf(link))).StatusCode);
        Assert.Equal("password_reset", await client.EndReasonAsync(user.AccessToken));
        await (await client.ResetPasswordAsync(TokenOf(link))).AssertTokenRefusedAsync();
        app.Logs.AssertAudit("AdminCreatedResetLink", ("AdminId", admin.UserId()), ("UserId", user.UserId()));
    }

    [Fact]
    public async Task ADisabledAccountGetsNoResetMailAndNoResetLink()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var email = HttpHelpers.NewEmail();
        var user = await client.SignUpAndLoginAsync(email: email);
        var token = await app.ResetTokenAsync(client, email);
        Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(admin.AccessToken, user.UserId(), new { disabled = true })).StatusCode);

        Assert.Equal("account_disabled", await (await client.ResetPasswordAsync(token)).CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal("account_disabled", await (await client.SendAsync(HttpMethod.Post, $"/admin/users/{user.UserId()}/password-reset", admin.AccessToken))
            .CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Accepted, (await client.RequestPasswordResetAsync(email)).StatusCode);
        // The worker handles requests in order: once a later one's mail is out, this one was dropped.
        var bystander = await client.NewAccountAsync();
        await app.ResetTokenAsync(client, bystander);
        Assert.Single(app.Mail.To(email, Auth.Mail.MailTemplates.PasswordReset));
    }
}
