using System.Text.RegularExpressions;

namespace MiniAuth.Tests;

// The recovery flows as a user lives them: the mail really travels (a real SMTP server on
// 127.0.0.1, or the outbox of a fresh install) and the link in it is followed.
public partial class RecoveryThroughSmtpTests
{
    [GeneratedRegex("#(reset|verify)=([A-Za-z0-9_-]+)")]
    private static partial Regex LinkToken();

    static string TokenIn(string? body, string kind)
    {
        var match = LinkToken().Match(body ?? "");
        Assert.True(match.Success && match.Groups[1].Value == kind, $"No #{kind}= link in: {body}");
        return match.Groups[2].Value;
    }

    [Fact]
    public async Task AForgottenPasswordIsResetThroughTheLinkTheMailBrings()
    {
        await using var smtp = new TestSmtpServer();
        await using var app = new MiniAuthApp(captureMail: false, settings: new Dictionary<string, string?>
        {
            ["MiniAuth:PublicUrl"] = "https://auth.example.test",
            ["MiniAuth:Mail:From"] = "MiniAuth <no-reply@auth.example.test>",
            ["MiniAuth:Mail:Smtp:Host"] = "127.0.0.1",
            ["MiniAuth:Mail:Smtp:Port"] = smtp.Port.ToString(),
            ["MiniAuth:Mail:Smtp:Security"] = "None",
        });
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var before = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        await smtp.NextAsync();   // the signup's verification mail

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/auth/password/forgot", new { email })).StatusCode);
        var mail = await smtp.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([email], mail.RcptTo);
        Assert.Contains("https://auth.example.test/#reset=", mail.Message.TextBody);
        var token = TokenIn(mail.Message.TextBody, "reset");

        const string newPassword = "a brand new passphrase for ann";
        Assert.Equal(HttpStatusCode.NoContent,
            (await client.PostAsJsonAsync("/auth/password/reset", new { token, newPassword })).StatusCode);

        var refused = await (await client.FetchProfileAsync(before.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("password_reset", refused.GetProperty("reason").GetString());
        await (await client.PostLoginAsync(email)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var after = await client.LoginAsync(email, newPassword, delivery: "body");
        Assert.True(HttpHelpers.Claims(after.AccessToken).GetProperty("email_verified").GetBoolean());
        // The link works once.
        await (await client.PostAsJsonAsync("/auth/password/reset", new { token, newPassword = "yet another passphrase here" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AFreshInstallWithoutSmtpWritesTheMailToTheOutboxAndItsLinkVerifies()
    {
        await using var app = new MiniAuthApp(captureMail: false);
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);

        // Written before the signup answered: the outbox is where the mail is accepted.
        var outbox = Path.Combine(Path.GetDirectoryName(app.DatabasePath)!, "outbox");
        var file = Assert.Single(Directory.GetFiles(outbox, "*.eml"));
        var message = await MimeKit.MimeMessage.LoadAsync(file);
        Assert.Equal(email, message.To.ToString());

        var token = TokenIn(message.TextBody, "verify");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/auth/email/verify", new { token })).StatusCode);
        var login = await client.LoginAsync(email, delivery: "body");
        Assert.True((await (await client.FetchProfileAsync(login.AccessToken)).JsonAsync()).GetProperty("emailVerified").GetBoolean());
    }
}
