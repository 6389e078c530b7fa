using MiniAuth.Auth.Mail;

namespace MiniAuth.Tests;

public class EmailChangeTests
{
    static Task<HttpResponseMessage> ChangeEmailAsync(HttpClient client, string accessToken, string newEmail, string currentPassword = HttpHelpers.Password) =>
        client.SendAsync(HttpMethod.Post, "/profile/email", accessToken, new { newEmail, currentPassword });

    [Fact]
    public async Task AnEmailChangeAppliesWhenTheNewAddressVerifiesAndTheOldAddressIsNotified()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var old = await client.NewAccountAsync();
        var login = await client.LoginAsync(old);
        var fresh = HttpHelpers.NewEmail();

        Assert.Equal(HttpStatusCode.Accepted, (await ChangeEmailAsync(client, login.AccessToken, "  " + fresh + " ")).StatusCode);
        Assert.Equal(old, (await (await client.FetchProfileAsync(login.AccessToken)).JsonAsync()).GetProperty("email").GetString());
        var verify = Assert.Single(app.Mail.To(fresh));
        Assert.Equal(MailTemplates.VerifyEmail, verify.Template);

        Assert.Equal(HttpStatusCode.NoContent, (await client.VerifyEmailAsync(verify.Token())).StatusCode);

        var profile = await (await client.FetchProfileAsync(login.AccessToken)).JsonAsync();
        Assert.Equal(fresh, profile.GetProperty("email").GetString());
        Assert.True(profile.GetProperty("emailVerified").GetBoolean());
        var notice = Assert.Single(app.Mail.To(old, MailTemplates.EmailChangeNotice));
        Assert.Equal(fresh, notice.Values["newEmail"]);
        Assert.Equal("https://localhost/#forgot", notice.Values["resetLink"]);
        Assert.False(notice.Values.ContainsKey("token"));
        await client.LoginAsync(fresh);
        await (await client.PostLoginAsync(old)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        app.Logs.AssertAudit("EmailChanged", ("UserId", login.UserId()));
        Assert.DoesNotContain(app.Logs.All, line => line.Contains(fresh) || line.Contains(old));
    }

    [Fact]
    public async Task ChangeEmailWithAWrongCurrentPasswordIs400AndSendsNothing()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var fresh = HttpHelpers.NewEmail();

        var problem = await (await ChangeEmailAsync(client, login.AccessToken, fresh, "not the password at all")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Empty(app.Mail.To(fresh));
    }

    [Theory]
    [InlineData("not an email")]
    [InlineData("")]
    public async Task ChangeEmailRefusesAnInvalidNewEmailChange(string newEmail)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var problem = await (await ChangeEmailAsync(client, login.AccessToken, newEmail)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("newEmail", out _));
    }

    [Fact]
    public async Task AnEmailChangeToATakenAddressIs409()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var taken = await client.NewAccountAsync();
        var login = await client.SignUpAndLoginAsync();

        var problem = await (await ChangeEmailAsync(client, login.AccessToken, taken.ToUpperInvariant())).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("email_taken", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnEmailChangeToAnAddressTakenBeforeItsConfirmationIs409AndChangesNothing()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var old = await client.NewAccountAsync();
        var login = await client.LoginAsync(old);
        var fresh = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await ChangeEmailAsync(client, login.AccessToken, fresh)).StatusCode);
        var token = app.Mail.To(fresh).Single().Token();
        await client.NewAccountAsync(fresh);

        var problem = await (await client.VerifyEmailAsync(token)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("email_taken", problem.GetProperty("code").GetString());
        Assert.Equal(old, (await (await client.FetchProfileAsync(login.AccessToken)).JsonAsync()).GetProperty("email").GetString());
        Assert.Empty(app.Mail.To(old, MailTemplates.EmailChangeNotice));
    }

    [Fact]
    public async Task AfterAnEmailChangeAResetLinkMailedToTheOldAddressNoLongerWorks()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var old = await client.NewAccountAsync();
        var login = await client.LoginAsync(old);
        var reset = await app.ResetTokenAsync(client, old);
        var fresh = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await ChangeEmailAsync(client, login.AccessToken, fresh)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.VerifyEmailAsync(app.Mail.To(fresh).Single().Token())).StatusCode);

        await (await client.ResetPasswordAsync(reset)).AssertTokenRefusedAsync();
    }

    [Fact]
    public async Task APasswordResetEndsAPendingEmailChange()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var owner = await client.NewAccountAsync();
        // Whoever knew the password asks to move the account to their own address...
        var intruder = await client.LoginAsync(owner);
        var theirs = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await ChangeEmailAsync(client, intruder.AccessToken, theirs)).StatusCode);
        var change = Assert.Single(app.Mail.To(theirs)).Token();

        // ...the owner resets the password, and the change dies with the old password.
        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(await app.ResetTokenAsync(client, owner))).StatusCode);

        await (await client.VerifyEmailAsync(change)).AssertTokenRefusedAsync();
        await client.LoginAsync(owner, RecoveryTestHelpers.NewPassword);
    }

    [Fact]
    public async Task AResetLinkMailedBeforeAnEmailChangeIsRefusedAfterIt()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var old = await client.NewAccountAsync();
        var login = await client.LoginAsync(old, delivery: "body");
        var reset = await app.ResetTokenAsync(client, old);
        var fresh = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Accepted, (await ChangeEmailAsync(client, login.AccessToken, fresh)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.VerifyEmailAsync(Assert.Single(app.Mail.To(fresh)).Token())).StatusCode);

        await (await client.ResetPasswordAsync(reset)).AssertTokenRefusedAsync();
    }
}
