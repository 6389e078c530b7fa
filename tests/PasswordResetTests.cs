using MiniAuth.Auth.Mail;

namespace MiniAuth.Tests;

public class PasswordResetTests
{
    static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    [Fact]
    public async Task APasswordResetByMailEndsEverySessionVerifiesTheEmailAndTheNewPasswordLogsIn()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var phone = await client.LoginAsync(email, delivery: "body");
        var laptop = await client.LoginAsync(email);

        Assert.Equal(HttpStatusCode.Accepted, (await client.RequestPasswordResetAsync(email)).StatusCode);
        var mail = await app.Mail.WaitForAsync(email, MailTemplates.PasswordReset);
        var token = mail.Token();
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
        // Without PublicUrl the link goes to the origin the request came to; the token is in the fragment.
        Assert.Equal($"https://localhost/#reset={token}", mail.Values["link"]);
        Assert.Equal("30", mail.Values["expiresInMinutes"]);

        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(token)).StatusCode);

        Assert.Equal("password_reset", await client.EndReasonAsync(phone.AccessToken));
        Assert.Equal("password_reset", await client.EndReasonAsync(laptop.AccessToken));
        var restore = await (await client.RestoreWithBearerAsync(phone.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("password_reset", restore.GetProperty("reason").GetString());
        await (await client.PostLoginAsync(email)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var login = await client.LoginAsync(email, RecoveryTestHelpers.NewPassword);
        Assert.True((await (await client.FetchProfileAsync(login.AccessToken)).JsonAsync()).GetProperty("emailVerified").GetBoolean());
        Assert.True(HttpHelpers.Claims(login.AccessToken).GetProperty("email_verified").GetBoolean());
        app.Logs.AssertAudit("PasswordReset", ("UserId", login.UserId()), ("EndedSessions", "2"));
        Assert.DoesNotContain(app.Logs.All, line => line.Contains(token) || line.Contains(email));
    }

    [Fact]
    public async Task RequestPasswordResetAnswersAnUnknownEmailExactlyLikeAKnownOneAndSendsNoMail()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var known = await client.NewAccountAsync();
        var unknown = HttpHelpers.NewEmail();

        var forUnknown = await client.RequestPasswordResetAsync(unknown);
        var forKnown = await client.RequestPasswordResetAsync(known);

        Assert.Equal(HttpStatusCode.Accepted, forUnknown.StatusCode);
        Assert.Equal(forKnown.StatusCode, forUnknown.StatusCode);
        Assert.Equal(await forKnown.Content.ReadAsStringAsync(), await forUnknown.Content.ReadAsStringAsync());
        Assert.Equal(forKnown.Content.Headers.ContentType, forUnknown.Content.Headers.ContentType);
        Assert.Equal(forKnown.Headers.Select(h => h.Key).Order(), forUnknown.Headers.Select(h => h.Key).Order());
        // The worker takes requests in order: once the known one's mail is out, the unknown one was handled.
        await app.Mail.WaitForAsync(known, MailTemplates.PasswordReset);
        Assert.Empty(app.Mail.To(unknown));
        app.Logs.AssertAudit("PasswordResetRequested", ("UserId", null));
    }

    [Fact]
    public async Task APasswordResetTokenWorksOnce()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var token = await app.ResetTokenAsync(client, email);

        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(token)).StatusCode);
        await (await client.ResetPasswordAsync(token, "yet another long passphrase")).AssertTokenRefusedAsync();
        await client.LoginAsync(email, RecoveryTestHelpers.NewPassword);
    }

    [Fact]
    public async Task APasswordResetTokenWorksUpToTheEndOfItsLifetimeAndNotASecondLater()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        var first = await app.ResetTokenAsync(client, email);
        app.Time.Advance(Lifetime);
        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(first)).StatusCode);

        var second = await app.ResetTokenAsync(client, email, count: 2);
        app.Time.Advance(Lifetime + TimeSpan.FromSeconds(1));
        await (await client.ResetPasswordAsync(second, "yet another long passphrase")).AssertTokenRefusedAsync();
    }

    [Fact]
    public async Task ANewerPasswordResetTokenSupersedesTheOlderOne()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var older = await app.ResetTokenAsync(client, email);
        var newer = await app.ResetTokenAsync(client, email, count: 2);

        await (await client.ResetPasswordAsync(older)).AssertTokenRefusedAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(newer)).StatusCode);
    }

    [Fact]
    public async Task APasswordChangeEndsTheOutstandingPasswordResetTokens()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var login = await client.LoginAsync(email);
        var token = await app.ResetTokenAsync(client, email);

        var change = await client.SendAsync(HttpMethod.Post, "/profile/password", login.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword = "the changed long passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);

        await (await client.ResetPasswordAsync(token)).AssertTokenRefusedAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ResetPasswordRefusesAMissingOrUnknownPasswordResetToken(string token)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();

        await (await client.ResetPasswordAsync(token)).AssertTokenRefusedAsync();
    }

    [Fact]
    public async Task ResetPasswordAppliesThePolicyBeforeItSpendsThePasswordResetToken()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var token = await app.ResetTokenAsync(client, email);

        var weak = await (await client.ResetPasswordAsync(token, "password1")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(weak.GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(token)).StatusCode);
    }

    [Fact]
    public async Task BeyondTheHourlyLimitPasswordResetRequestsGetTheSame202AndNoMail()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:PasswordReset:MailsPerHour"] = "2" });
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var other = await client.NewAccountAsync();

        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await client.RequestPasswordResetAsync(email)).StatusCode);
        await client.RequestPasswordResetAsync(other);
        await app.Mail.WaitForAsync(other, MailTemplates.PasswordReset);
        Assert.Equal(2, app.Mail.To(email, MailTemplates.PasswordReset).Count);
        app.Logs.AssertAudit("PasswordResetSuppressed");

        // Once the hour since the first request is over, the address gets mail again.
        app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await app.ResetTokenAsync(client, email, count: 3);
    }

    [Fact]
    public async Task RequestPasswordResetIsLimitedPerClient()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "2" });
        var client = app.NewClient();
        const string ip = "203.0.113.9";

        Assert.Equal(HttpStatusCode.Accepted, (await client.RequestPasswordResetAsync(HttpHelpers.NewEmail(), ip)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.RequestPasswordResetAsync(HttpHelpers.NewEmail(), ip)).StatusCode);
        var limited = await (await client.RequestPasswordResetAsync(HttpHelpers.NewEmail(), ip)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("too_many_requests", limited.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await client.RequestPasswordResetAsync(HttpHelpers.NewEmail(), "203.0.113.10")).StatusCode);
    }

    [Fact]
    public async Task PasswordResetLinksGoToPublicUrlWhenItIsSet()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:PublicUrl"] = "https://auth.example.test/" });
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var token = await app.ResetTokenAsync(client, email);

        Assert.Equal($"https://auth.example.test/#reset={token}", app.Mail.To(email, MailTemplates.PasswordReset).Single().Values["link"]);
    }
}
