using MiniAuth.Storage;
using static MiniAuth.Tests.AdminTestHelpers;

namespace MiniAuth.Tests;

public class InviteTests
{
    static Dictionary<string, string?> InviteOnly(params (string Key, string? Value)[] more) =>
        WithAdmin([("MiniAuth:Signup:Mode", "InviteOnly"), .. more]);

    [Fact]
    public async Task CreateInviteAnswersACodeALinkAndItsExpiry()
    {
        await using var app = new MiniAuthApp(settings: InviteOnly(("MiniAuth:PublicUrl", "https://auth.example.test")));
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();

        var response = await client.SendAsync(HttpMethod.Post, "/admin/invites", admin.AccessToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        var code = body.GetProperty("code").GetString()!;
        Assert.True(code.Length >= 43);
        Assert.Equal($"https://auth.example.test/#invite={code}", body.GetProperty("link").GetString());
        Assert.Equal(MiniAuthApp.Epoch + TimeSpan.FromDays(7), body.GetProperty("expiresAt").GetDateTimeOffset());
        app.Logs.AssertAudit("AdminCreatedInvite", ("AdminId", admin.UserId()), ("EmailPinned", "False"));
        Assert.DoesNotContain(app.Logs.All, line => line.Contains(code));
    }

    [Fact]
    public async Task AnInviteAdmitsOneSignupOnly()
    {
        await using var app = new MiniAuthApp(settings: InviteOnly());
        var client = app.NewClient();
        var invite = await client.CreateInviteAsync((await client.LoginAdminAsync()).AccessToken);

        Assert.Equal(HttpStatusCode.Created, (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), invite)).StatusCode);
        Assert.Equal("invite_required", await (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), invite)).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task SignupsRacingOnOneInviteMakeOneAccount()
    {
        await using var app = new MiniAuthApp(settings: InviteOnly());
        var client = app.NewClient();
        var invite = await client.CreateInviteAsync((await client.LoginAdminAsync()).AccessToken);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), invite)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Equal(2, (await app.Get<IUserStore>().ListAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task AnInviteWorksUpToItsExpiryAndNotASecondLater()
    {
        await using var app = new MiniAuthApp(settings: InviteOnly(("MiniAuth:Signup:InviteLifetime", "01:00:00")));
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var first = await client.CreateInviteAsync(admin.AccessToken);
        var second = await client.CreateInviteAsync(admin.AccessToken);

        app.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), first)).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("invite_required", await (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), second)).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task AnInvitePinnedToAnEmailAdmitsOnlyThatEmailAndSurvivesAWrongOne()
    {
        await using var app = new MiniAuthApp(settings: InviteOnly());
        var client = app.NewClient();
        var pinned = $"Pinned-{Guid.NewGuid():N}@Example.test";
        var invite = await client.CreateInviteAsync((await client.LoginAdminAsync()).AccessToken, new { email = pinned });

        Assert.Equal("invite_required", await (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), invite)).CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpWithInviteAsync(pinned.ToLowerInvariant(), invite)).StatusCode);
    }

    [Fact]
    public async Task ASignupRefusedForATakenEmailDoesNotSpendTheInvite()
    {
        await using var app = new MiniAuthApp(settings: InviteOnly());
        var client = app.NewClient();
        var invite = await client.CreateInviteAsync((await client.LoginAdminAsync()).AccessToken);

        Assert.Equal("email_taken", await (await client.SignUpWithInviteAsync(AdminEmail, invite)).CodeAsync(HttpStatusCode.Conflict));
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), invite)).StatusCode);
    }

    [Theory]
    [InlineData("InviteOnly")]
    [InlineData("Open")]
    public async Task AnInvitesRolesAreGivenToTheNewAccount(string mode)
    {
        await using var app = new MiniAuthApp(settings: WithAdmin(("MiniAuth:Signup:Mode", mode)));
        var client = app.NewClient();
        var invite = await client.CreateInviteAsync((await client.LoginAdminAsync()).AccessToken, new { roles = new[] { "editor", "beta.tester" } });
        var email = HttpHelpers.NewEmail();

        var signup = await client.SignUpWithInviteAsync(email, invite);

        Assert.Equal(HttpStatusCode.Created, signup.StatusCode);
        Assert.Equal(["editor", "beta.tester"], (await signup.JsonAsync()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["editor", "beta.tester"], (await client.LoginAsync(email)).Roles());
        app.Logs.AssertAudit("InviteRedeemed", ("Roles", "editor,beta.tester"));
    }

    [Theory]
    [InlineData("Admin")]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("9lives")]
    [InlineData("admin\n")]
    public async Task CreateInviteRefusesARoleOutsideThePattern(string role)
    {
        await using var app = new MiniAuthApp(settings: InviteOnly());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();

        var problem = await (await client.SendAsync(HttpMethod.Post, "/admin/invites", admin.AccessToken, new { roles = new[] { role } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("roles", out _));
    }

    [Fact]
    public async Task CreateInviteIs403ForANonAdmin()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var user = await client.SignUpAndLoginAsync();

        Assert.Equal("forbidden", await (await client.SendAsync(HttpMethod.Post, "/admin/invites", user.AccessToken, new { })).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task TheInviteCommandPrintsACodeAndLinkThatAdmitOneSignupWithItsRoles()
    {
        var databasePath = AccountTestHelpers.NewDatabasePath();
        try
        {
            var pinned = HttpHelpers.NewEmail();
            var run = await RunAdminCommandAsync(databasePath, "invite", "--email", pinned, "--role", "editor,support",
                "--MiniAuth:PublicUrl=https://auth.example.test");

            Assert.Equal(0, run.ExitCode);
            var code = run.Output.Split('\n').Single(line => line.StartsWith("code: ", StringComparison.Ordinal))["code: ".Length..].Trim();
            Assert.Contains($"link: https://auth.example.test/#invite={code}", run.Output);
            Assert.DoesNotContain(code, run.Error);

            // The command's clock is the real one: so is this app's.
            await using var app = new MiniAuthApp(databasePath, new Dictionary<string, string?> { ["MiniAuth:Signup:Mode"] = "InviteOnly" },
                new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow));
            var client = app.NewClient();
            Assert.Equal("invite_required", await (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), code)).CodeAsync(HttpStatusCode.Forbidden));
            Assert.Equal(HttpStatusCode.Created, (await client.SignUpWithInviteAsync(pinned, code)).StatusCode);
            Assert.Equal(["editor", "support"], (await client.LoginAsync(pinned)).Roles());
            Assert.Equal("invite_required", await (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), code)).CodeAsync(HttpStatusCode.Forbidden));
        }
        finally { AccountTestHelpers.DeleteDatabase(databasePath); }
    }

    [Fact]
    public async Task TheInviteCommandRefusesABadRole()
    {
        var databasePath = AccountTestHelpers.NewDatabasePath();
        try
        {
            var run = await RunAdminCommandAsync(databasePath, "invite", "--role", "Not A Role");
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("role:", run.Error);
        }
        finally { AccountTestHelpers.DeleteDatabase(databasePath); }
    }
}
