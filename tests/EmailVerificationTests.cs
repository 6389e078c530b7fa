using MiniAuth.Auth.Mail;

namespace MiniAuth.Tests;

public class EmailVerificationTests
{
    static Dictionary<string, string?> RequireVerified => new() { ["MiniAuth:Signup:RequireVerifiedEmail"] = "true" };

    [Fact]
    public async Task SignupSendsAnEmailVerificationMailWhoseTokenVerifiesTheEmailOnce()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var before = await client.LoginAsync(email);
        Assert.False((await (await client.FetchProfileAsync(before.AccessToken)).JsonAsync()).GetProperty("emailVerified").GetBoolean());
        Assert.False(HttpHelpers.Claims(before.AccessToken).GetProperty("email_verified").GetBoolean());

        var mail = Assert.Single(app.Mail.To(email));
        Assert.Equal(MailTemplates.VerifyEmail, mail.Template);
        Assert.Equal($"https://localhost/#verify={mail.Token()}", mail.Values["link"]);
        Assert.Equal("48", mail.Values["expiresInHours"]);
        Assert.Equal(HttpStatusCode.NoContent, (await client.VerifyEmailAsync(mail.Token())).StatusCode);

        Assert.True((await (await client.FetchProfileAsync(before.AccessToken)).JsonAsync()).GetProperty("emailVerified").GetBoolean());
        Assert.True(HttpHelpers.Claims((await client.LoginAsync(email)).AccessToken).GetProperty("email_verified").GetBoolean());
        await (await client.VerifyEmailAsync(mail.Token())).AssertTokenRefusedAsync();
        app.Logs.AssertAudit("EmailVerified", ("UserId", before.UserId()));
    }

    [Fact]
    public async Task WithRequireVerifiedEmailAnUnverifiedAccountGets403OnlyForTheRightPassword()
    {
        await using var app = new MiniAuthApp(settings: RequireVerified);
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        var refused = await client.PostLoginAsync(email);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("email_not_verified", problem.GetProperty("code").GetString());
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        // A wrong password learns nothing about the account.
        var wrong = await (await client.PostLoginAsync(email, "not the password at all")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_credentials", wrong.GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.VerifyEmailAsync(app.Mail.To(email).Single().Token())).StatusCode);
        await client.LoginAsync(email);
    }

    [Fact]
    public async Task WithoutRequireVerifiedEmailAnUnverifiedAccountLogsIn()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        var login = await client.LoginAsync(email);

        Assert.False(HttpHelpers.Claims(login.AccessToken).GetProperty("email_verified").GetBoolean());
    }

    [Fact]
    public async Task APasswordResetVerifiesTheEmailSoARequiredEmailVerificationLetsTheLoginIn()
    {
        await using var app = new MiniAuthApp(settings: RequireVerified);
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        var token = await app.ResetTokenAsync(client, email);
        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(token)).StatusCode);

        await client.LoginAsync(email, RecoveryTestHelpers.NewPassword);
    }

    [Fact]
    public async Task ResendEmailVerificationSendsATokenThatSupersedesTheOlderOne()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var login = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(HttpMethod.Post, "/profile/email/verification", login.AccessToken)).StatusCode);

        var mails = app.Mail.To(email, MailTemplates.VerifyEmail);
        Assert.Equal(2, mails.Count);
        await (await client.VerifyEmailAsync(mails[0].Token())).AssertTokenRefusedAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.VerifyEmailAsync(mails[1].Token())).StatusCode);
        // Verified: the same 202, and no more mail.
        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(HttpMethod.Post, "/profile/email/verification", login.AccessToken)).StatusCode);
        Assert.Equal(2, app.Mail.To(email).Count);
    }

    [Fact]
    public async Task AnEmailVerificationTokenWorksUpToTheEndOfItsLifetimeAndNotASecondLater()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var late = await client.NewAccountAsync();
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var onTime = await client.NewAccountAsync();

        app.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(HttpStatusCode.NoContent, (await client.VerifyEmailAsync(app.Mail.To(onTime).Single().Token())).StatusCode);
        await (await client.VerifyEmailAsync(app.Mail.To(late).Single().Token())).AssertTokenRefusedAsync();
    }

    [Fact]
    public async Task AResetTokenIsNoEmailVerificationTokenNorTheReverse()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var reset = await app.ResetTokenAsync(client, email);

        await (await client.VerifyEmailAsync(reset)).AssertTokenRefusedAsync();
        await (await client.ResetPasswordAsync(app.Mail.To(email, MailTemplates.VerifyEmail).Single().Token())).AssertTokenRefusedAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(reset)).StatusCode);
    }
}
