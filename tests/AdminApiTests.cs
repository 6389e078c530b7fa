namespace MiniAuth.Tests;

public class AdminApiTests
{
    const string AdminEmail = "admin@example.test";
    const string AdminPassword = "the admin's first passphrase";

    static Dictionary<string, string?> AdminSettings(string email = AdminEmail, string password = AdminPassword) => new()
    {
        ["MiniAuth:Admin:Email"] = email,
        ["MiniAuth:Admin:Password"] = password,
    };

    [Fact]
    public async Task AdminSettingsMakeSureTheAdminAccountExistsAtStart()
    {
        await using var app = new MiniAuthApp(settings: AdminSettings());
        var client = app.NewClient();

        var admin = await client.LoginAsync(AdminEmail, AdminPassword);

        Assert.Equal(["admin"], HttpHelpers.Claims(admin.AccessToken).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var profile = await (await client.FetchProfileAsync(admin.AccessToken)).JsonAsync();
        Assert.Equal(["admin"], profile.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task ARestartDoesNotOverwriteTheAdminsChangedPassword()
    {
        var databasePath = AccountTestHelpers.NewDatabasePath();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(MiniAuthApp.Epoch);
        const string changed = "the admin changed this one";
        await using (var first = new MiniAuthApp(databasePath, AdminSettings(), time))
        {
            var client = first.NewClient();
            var admin = await client.LoginAsync(AdminEmail, AdminPassword);
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Post, "/profile/password", admin.AccessToken,
                new { currentPassword = AdminPassword, newPassword = changed })).StatusCode);
        }

        try
        {
            await using var second = new MiniAuthApp(databasePath, AdminSettings(), time);
            var client = second.NewClient();

            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(AdminEmail, AdminPassword)).StatusCode);
            var admin = await client.LoginAsync(AdminEmail, changed);
            Assert.Contains("admin", HttpHelpers.Claims(admin.AccessToken).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        }
        finally { AccountTestHelpers.DeleteDatabase(databasePath); }
    }

    [Fact]
    public async Task AnAccountSomeoneElseSignedUpWithTheAdminEmailIsNotPromoted()
    {
        var databasePath = AccountTestHelpers.NewDatabasePath();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(MiniAuthApp.Epoch);
        const string squatterPassword = "the squatter's own passphrase";
        await using (var before = new MiniAuthApp(databasePath, time: time))
        {
            Assert.Equal(HttpStatusCode.Created, (await before.NewClient().SignUpAsync(AdminEmail, squatterPassword)).StatusCode);
        }

        try
        {
            await using var configured = new MiniAuthApp(databasePath, AdminSettings(), time);
            var client = configured.NewClient();

            var squatter = await client.LoginAsync(AdminEmail, squatterPassword);
            Assert.Empty(HttpHelpers.Claims(squatter.AccessToken).GetProperty("roles").EnumerateArray());
            Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(HttpMethod.Delete, $"/admin/users/{squatter.UserId()}/sessions", squatter.AccessToken)).StatusCode);
        }
        finally { AccountTestHelpers.DeleteDatabase(databasePath); }
    }

    [Fact]
    public async Task AnExistingAccountWithTheAdminPasswordIsPromoted()
    {
        var databasePath = AccountTestHelpers.NewDatabasePath();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(MiniAuthApp.Epoch);
        await using (var before = new MiniAuthApp(databasePath, time: time))
        {
            Assert.Equal(HttpStatusCode.Created, (await before.NewClient().SignUpAsync(AdminEmail, AdminPassword)).StatusCode);
        }

        try
        {
            await using var configured = new MiniAuthApp(databasePath, AdminSettings(), time);
            var admin = await configured.NewClient().LoginAsync(AdminEmail, AdminPassword);
            Assert.Equal(["admin"], HttpHelpers.Claims(admin.AccessToken).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        }
        finally { AccountTestHelpers.DeleteDatabase(databasePath); }
    }

    [Fact]
    public async Task ForceLogoutEndsEverySessionOfTheUserAtOnce()
    {
        await using var app = new MiniAuthApp(settings: AdminSettings());
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var home = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: "192.0.2.10"));
        var unexpected = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: "198.51.100.99"));
        var bystander = await client.SignUpAndLoginAsync();
        var admin = await client.LoginAsync(AdminEmail, AdminPassword);

        var response = await client.SendAsync(HttpMethod.Delete, $"/admin/users/{home.UserId()}/sessions", admin.AccessToken);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        foreach (var login in new[] { home, unexpected })
        {
            Assert.Equal("The session was ended: forced by admin.", await client.RefusedDetailAsync(login.AccessToken));
            var refresh = await (await client.RestoreWithCookieAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("The session was ended: forced by admin.", refresh.GetProperty("detail").GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(bystander.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(admin.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task AdminCanListAUsersLiveSessions()
    {
        await using var app = new MiniAuthApp(settings: AdminSettings());
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var first = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: "192.0.2.10", userAgent: "Home/1"));
        var second = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: "198.51.100.99", userAgent: "Unexpected/1"));
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, $"/sessions/{first.SessionId()}", second.AccessToken)).StatusCode);
        var admin = await client.LoginAsync(AdminEmail, AdminPassword);

        var sessions = await client.ListSessionsAsync(admin.AccessToken, $"/admin/users/{first.UserId()}/sessions");

        var only = Assert.Single(sessions);
        Assert.Equal(second.SessionId(), only.GetProperty("id").GetString());
        Assert.Equal("198.51.100.99", only.GetProperty("ipAddress").GetString());
        Assert.Equal("Unexpected/1", only.GetProperty("userAgent").GetString());
        Assert.False(only.GetProperty("current").GetBoolean());
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("GET")]
    public async Task AdminRoutesAre403ForANonAdmin(string method)
    {
        await using var app = new MiniAuthApp(settings: AdminSettings());
        var client = app.NewClient();
        var victim = await client.SignUpAndLoginAsync();
        var user = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(new HttpMethod(method), $"/admin/users/{victim.UserId()}/sessions", user.AccessToken);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(victim.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task AdminRoutesAre401WithoutAToken()
    {
        await using var app = new MiniAuthApp();
        var response = await app.NewClient().DeleteAsync("/admin/users/someone/sessions");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("DELETE")]
    [InlineData("GET")]
    public async Task AdminRoutesAre404ForAnUnknownUser(string method)
    {
        await using var app = new MiniAuthApp(settings: AdminSettings());
        var client = app.NewClient();
        var admin = await client.LoginAsync(AdminEmail, AdminPassword);

        var response = await client.SendAsync(new HttpMethod(method), "/admin/users/no-such-user/sessions", admin.AccessToken);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("admin@example.test", null, "MiniAuth:Admin:Email and MiniAuth:Admin:Password must be set together.")]
    [InlineData(null, "the admin's first passphrase", "MiniAuth:Admin:Email and MiniAuth:Admin:Password must be set together.")]
    [InlineData("not an email", "the admin's first passphrase", "MiniAuth:Admin:Email")]
    [InlineData("admin@example.test", "password1", "MiniAuth:Admin:Password")]
    [InlineData("admin@example.test", "short", "MiniAuth:Admin:Password")]
    public async Task AnInvalidAdminSettingStopsTheStartNamingTheKey(string? email, string? password, string message)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:Admin:Email"] = email,
            ["MiniAuth:Admin:Password"] = password,
        });

        var error = Assert.ThrowsAny<Exception>(() => app.NewClient());

        Assert.Contains(message, error.ToString());
    }
}
