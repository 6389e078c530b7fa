using static MiniAuth.Tests.AdminTestHelpers;

namespace MiniAuth.Tests;

public class SignupControlTests
{
    [Fact]
    public async Task ClosedModeRefusesEverySignupEvenWithAnInvite()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin(("MiniAuth:Signup:Mode", "Closed")));
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var invite = await client.CreateInviteAsync(admin.AccessToken);

        Assert.Equal("signup_closed", await (await client.SignUpAsync(HttpHelpers.NewEmail())).CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal("signup_closed", await (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), invite)).CodeAsync(HttpStatusCode.Forbidden));
        // Even a body that would not pass validation: a closed door says so first.
        Assert.Equal("signup_closed", await (await client.SignUpAsync("not an email")).CodeAsync(HttpStatusCode.Forbidden));
        app.Logs.AssertAudit("SignupRefused", ("Reason", "Closed"));
    }

    [Fact]
    public async Task InviteOnlyModeRefusesASignupWithoutALiveInvite()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin(("MiniAuth:Signup:Mode", "InviteOnly")));
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();

        Assert.Equal("invite_required", await (await client.SignUpAsync(email)).CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal("invite_required", await (await client.SignUpWithInviteAsync(email, "")).CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal("invite_required", await (await client.SignUpWithInviteAsync(email, "made-up-code")).CodeAsync(HttpStatusCode.Forbidden));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email)).StatusCode);

        var admin = await client.LoginAdminAsync();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpWithInviteAsync(email, await client.CreateInviteAsync(admin.AccessToken))).StatusCode);
    }

    [Fact]
    public async Task OpenModeRefusesAnInviteThatIsNotLiveRatherThanDropItsRoles()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();

        Assert.Equal("invite_required", await (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), "made-up-code")).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task AllowedEmailDomainsAdmitExactlyTheirDomainsInAnyCaseOrCompatibilityForm()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:Signup:AllowedEmailDomains:0"] = "Example.test",
            ["MiniAuth:Signup:AllowedEmailDomains:1"] = "partner.test",
        });
        var client = app.NewClient();

        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync($"a-{Guid.NewGuid():N}@example.TEST")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync($"b-{Guid.NewGuid():N}@partner.test")).StatusCode);
        // Fullwidth letters are the same domain once normalized.
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync($"c-{Guid.NewGuid():N}@ｅｘａｍｐｌｅ.test")).StatusCode);
        foreach (var other in new[] { "mail.example.test", "example.test.evil", "elsewhere.test", "xexample.test" })
            Assert.Equal("email_domain_not_allowed",
                await (await client.SignUpAsync($"d-{Guid.NewGuid():N}@{other}")).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task TheDomainRuleHoldsForInvitedSignupsAndPinnedInvites()
    {
        await using var app = new MiniAuthApp(settings: WithAdmin(
            ("MiniAuth:Signup:Mode", "InviteOnly"), ("MiniAuth:Signup:AllowedEmailDomains:0", "example.test")));
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();
        var invite = await client.CreateInviteAsync(admin.AccessToken);

        Assert.Equal("email_domain_not_allowed",
            await (await client.SignUpWithInviteAsync("someone@elsewhere.test", invite)).CodeAsync(HttpStatusCode.Forbidden));
        var pinned = await (await client.SendAsync(HttpMethod.Post, "/admin/invites", admin.AccessToken, new { email = "someone@elsewhere.test" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(pinned.GetProperty("errors").TryGetProperty("email", out _));
        // The refused signup did not spend the invite.
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpWithInviteAsync(HttpHelpers.NewEmail(), invite)).StatusCode);
    }

    [Theory]
    [InlineData("MiniAuth:Signup:Mode", "Sometimes", "MiniAuth:Signup:Mode")]
    [InlineData("MiniAuth:Signup:AllowedEmailDomains:0", "@example.test", "MiniAuth:Signup:AllowedEmailDomains")]
    [InlineData("MiniAuth:Signup:AllowedEmailDomains:0", "exa mple.test", "MiniAuth:Signup:AllowedEmailDomains")]
    [InlineData("MiniAuth:Signup:InviteLifetime", "00:00:10", "MiniAuth:Signup:InviteLifetime")]
    public async Task AnInvalidSignupSettingStopsTheStartNamingTheKey(string key, string value, string message)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.NewClient());

        Assert.Contains(message, error.ToString());
    }
}
