using Microsoft.Playwright;
using MiniAuth.Auth.Mail;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MiniAuth.Tests.Browser;

// The demo page's recovery and email flows in Chromium, against the real app on a socket: the
// mails the app sends are captured (MiniAuthApp's captureMail), and the test follows their
// links the way a user clicks them.
public class RecoveryPageTests(ITestOutputHelper output)
{
    const string TokenRefused = "The token is invalid, was used already, or has expired; ask for a new mail.";
    const string RecordSignedOutJs = """
        async () => {
          const { auth } = await import('/demo.js');
          window.signedOutReasons = [];
          auth.addEventListener('signedout', (e) => window.signedOutReasons.push(String(e.detail?.reason)));
        }
        """;

    [BrowserFact]
    public async Task ForgotPasswordMailsALinkWhoseResetPageSetsANewPasswordThatLogsIn()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");

        await page.ClickAsync("#show-forgot");
        await Expect(page.Locator("#forgot-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#login-form")).ToBeHiddenAsync();
        await page.FillAsync("#forgot-form [name=email]", email);
        await page.ClickAsync("#forgot-form button[type=submit]");
        await Expect(page.Locator("#message")).ToHaveTextAsync("If an account has this email, a mail is on its way.");

        var mail = await browser.App.Mail.WaitForAsync(email, MailTemplates.PasswordReset);
        var link = mail.Values["link"];
        Assert.Equal($"{browser.BaseAddress.GetLeftPart(UriPartial.Authority)}/#reset={mail.Token()}", link);

        var landing = await browser.NewPageAsync("reset page");
        await landing.GotoAsync(link);
        await Expect(landing.Locator("#reset-view")).ToBeVisibleAsync();
        await Expect(landing.Locator("#signed-out")).ToBeHiddenAsync();
        await AssertTokenGoneAsync(landing, mail.Token());

        await landing.FillAsync("#reset-form [name=newPassword]", RecoveryTestHelpers.NewPassword);
        await landing.ClickAsync("#reset-form button[type=submit]");
        await Expect(landing.Locator("#message")).ToHaveTextAsync("Your new password is set. Log in with it.");
        await Expect(landing.Locator("#reset-view")).ToBeHiddenAsync();
        await Expect(landing.Locator("#login-form")).ToBeVisibleAsync();

        // The old password is gone, the new one logs in, in the page.
        await LogInAsync(landing, email, HttpHelpers.Password);
        await Expect(landing.Locator("#message")).ToHaveTextAsync("The email or password is incorrect.");
        await LogInAsync(landing, email, RecoveryTestHelpers.NewPassword);
        await Expect(landing.Locator("#status")).ToHaveTextAsync(email);
        await Expect(landing.Locator("#profile-email")).ToHaveTextAsync(email);
        // The reset proved the mailbox.
        await Expect(landing.Locator("#profile-verified")).ToHaveTextAsync("Yes");
    }

    [BrowserFact]
    public async Task ForgotPasswordSaysTheSameForAnEmailNobodyHas()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        var nobody = HttpHelpers.NewEmail();

        await page.ClickAsync("#show-forgot");
        await page.FillAsync("#forgot-form [name=email]", nobody);
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#forgot-form button[type=submit]"),
            r => r.Url.EndsWith("/auth/password/forgot") && r.Status == 202);

        await Expect(page.Locator("#message")).ToHaveTextAsync("If an account has this email, a mail is on its way.");
        await Expect(page.Locator("#message")).Not.ToHaveAttributeAsync("data-kind", "error");
        Assert.Empty(browser.App.Mail.To(nobody));
    }

    [BrowserFact]
    public async Task AResetLinkUsedOnceShowsTheTokenErrorAndChangesNothing()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        using var http = browser.NewHttpClient();
        var email = await SignUpAsync(browser);
        var token = await browser.App.ResetTokenAsync(http, email);
        var link = (await browser.App.Mail.WaitForAsync(email, MailTemplates.PasswordReset)).Values["link"];
        Assert.Equal(HttpStatusCode.NoContent, (await http.ResetPasswordAsync(token)).StatusCode);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(link);
        await AssertTokenGoneAsync(page, token);
        await page.FillAsync("#reset-form [name=newPassword]", "yet another long passphrase");
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#reset-form button[type=submit]"),
            r => r.Url.EndsWith("/auth/password/reset") && r.Status == 400);

        await Expect(page.Locator("#message")).ToHaveTextAsync(TokenRefused);
        await Expect(page.Locator("#message")).ToHaveAttributeAsync("data-kind", "error");
        await Expect(page.Locator("#reset-view")).ToBeVisibleAsync();
        // The first reset's password still stands.
        Assert.Equal(HttpStatusCode.OK, (await http.LoginFromAsync(email, RecoveryTestHelpers.NewPassword)).StatusCode);
    }

    [BrowserFact]
    public async Task AResetRefusedByThePolicyShowsTheFieldMessageAndTheLinkStillWorks()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        using var http = browser.NewHttpClient();
        var email = await SignUpAsync(browser);
        var token = await browser.App.ResetTokenAsync(http, email);
        var link = (await browser.App.Mail.WaitForAsync(email, MailTemplates.PasswordReset)).Values["link"];

        var page = await browser.NewPageAsync();
        await page.GotoAsync(link);
        // Longer than minlength, so the browser sends it, but one the policy refuses.
        await page.FillAsync("#reset-form [name=newPassword]", "password1");
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#reset-form button[type=submit]"),
            r => r.Url.EndsWith("/auth/password/reset") && r.Status == 400);
        await Expect(page.Locator("#message")).ToHaveAttributeAsync("data-kind", "error");
        var said = await page.Locator("#message").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(said));
        Assert.NotEqual(TokenRefused, said);

        // A refused password does not spend the token: the same view takes a good one.
        await page.FillAsync("#reset-form [name=newPassword]", RecoveryTestHelpers.NewPassword);
        await page.ClickAsync("#reset-form button[type=submit]");
        await Expect(page.Locator("#message")).ToHaveTextAsync("Your new password is set. Log in with it.");
        Assert.Equal(HttpStatusCode.OK, (await http.LoginFromAsync(email, RecoveryTestHelpers.NewPassword)).StatusCode);
    }

    [BrowserFact]
    public async Task TheVerifyLinkVerifiesAndThePageShowsTheEmailVerifiedAfterLogin()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        var mail = await browser.App.Mail.WaitForAsync(email, MailTemplates.VerifyEmail);

        var page = await browser.NewPageAsync();
        await page.GotoAsync(mail.Values["link"]);
        await Expect(page.Locator("#message")).ToHaveTextAsync("Your email address is verified.");
        await AssertTokenGoneAsync(page, mail.Token());
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();

        await LogInAsync(page, email);
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        await Expect(page.Locator("#profile-verified")).ToHaveTextAsync("Yes");
        await Expect(page.Locator("#resend-verification")).ToBeHiddenAsync();

        // Used once: the same link again says it did not work.
        var again = await browser.NewPageAsync("second visit");
        await again.GotoAsync(mail.Values["link"]);
        await Expect(again.Locator("#message")).ToHaveTextAsync($"The email could not be verified: {TokenRefused}");
        await Expect(again.Locator("#message")).ToHaveAttributeAsync("data-kind", "error");
    }

    [BrowserFact]
    public async Task ABadVerifyLinkSaysSo()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/#verify=not-a-token-anyone-was-sent");

        await Expect(page.Locator("#message")).ToHaveTextAsync($"The email could not be verified: {TokenRefused}");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await AssertTokenGoneAsync(page, "not-a-token-anyone-was-sent");
    }

    [BrowserFact]
    public async Task AnUnverifiedAccountResendsTheMailAndItsLinkVerifies()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, email) = await SignedInPageAsync(browser);
        await Expect(page.Locator("#profile-verified")).ToHaveTextAsync("Not yet");
        await Expect(page.Locator("#resend-verification")).ToBeVisibleAsync();

        await page.ClickAsync("#resend-verification");
        await Expect(page.Locator("#message")).ToHaveTextAsync($"A new verification mail is on its way to {email}.");
        var resent = await browser.App.Mail.WaitForAsync(email, MailTemplates.VerifyEmail, count: 2);

        // Followed in the same browser: the page verifies, then restores the session.
        var landing = await browser.NewPageAsync("verify page");
        await landing.GotoAsync(resent.Values["link"]);
        await Expect(landing.Locator("#message")).ToHaveTextAsync("Your email address is verified.");
        await Expect(landing.Locator("#status")).ToHaveTextAsync(email);
        await Expect(landing.Locator("#profile-verified")).ToHaveTextAsync("Yes");
        await AssertTokenGoneAsync(landing, resent.Token());
    }

    [BrowserFact]
    public async Task ChangeEmailAppliesWhenTheNewAddressesLinkIsFollowedAndThePageShowsTheNewEmail()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, email) = await SignedInPageAsync(browser);
        var newEmail = HttpHelpers.NewEmail();

        // A wrong current password: the field's message, nothing mailed.
        await page.FillAsync("#email-form [name=newEmail]", newEmail);
        await page.FillAsync("#email-form [name=currentPassword]", "not the password at all");
        await page.ClickAsync("#email-form button[type=submit]");
        await Expect(page.Locator("#message")).ToHaveTextAsync("The current password is incorrect.");
        Assert.Empty(browser.App.Mail.To(newEmail));

        await page.FillAsync("#email-form [name=newEmail]", newEmail);
        await page.FillAsync("#email-form [name=currentPassword]", HttpHelpers.Password);
        await page.ClickAsync("#email-form button[type=submit]");
        await Expect(page.Locator("#message")).ToHaveTextAsync(
            $"A confirmation link is on its way to {newEmail}. Your email changes once you follow it.");
        // Nothing changes until the link comes back.
        await page.ClickAsync("#fetch-profile");
        await Expect(page.Locator("#profile-email")).ToHaveTextAsync(email);

        var mail = await browser.App.Mail.WaitForAsync(newEmail, MailTemplates.VerifyEmail);
        var landing = await browser.NewPageAsync("verify page");
        await landing.GotoAsync(mail.Values["link"]);
        await Expect(landing.Locator("#message")).ToHaveTextAsync("Your email address is verified.");
        await Expect(landing.Locator("#profile-email")).ToHaveTextAsync(newEmail);
        await Expect(landing.Locator("#status")).ToHaveTextAsync(newEmail);
        await Expect(landing.Locator("#profile-verified")).ToHaveTextAsync("Yes");
        await AssertTokenGoneAsync(landing, mail.Token());
        Assert.Single(browser.App.Mail.To(email, MailTemplates.EmailChangeNotice));

        // The first tab sees it at its next fetch; the new address logs in, the old one does not.
        await page.ClickAsync("#fetch-profile");
        await Expect(page.Locator("#profile-email")).ToHaveTextAsync(newEmail);
        using var http = browser.NewHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.LoginFromAsync(newEmail)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.LoginFromAsync(email)).StatusCode);
    }

    [BrowserFact]
    public async Task TheChangeNoticesForgotLinkOpensTheForgotForm()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/#forgot");

        await Expect(page.Locator("#forgot-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#login-form")).ToBeHiddenAsync();
        Assert.Equal("", await page.EvaluateAsync<string>("() => location.hash"));
    }

    [BrowserFact]
    public async Task DeleteAccountAfterTheConfirmSignsOutEveryTabAndTheOldCredentialsNoLongerLogIn()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, email) = await SignedInPageAsync(browser, "tab 1");
        var other = await browser.NewPageAsync("tab 2");
        await other.GotoAsync("/");
        await Expect(other.Locator("#status")).ToHaveTextAsync(email);
        foreach (var tab in new[] { page, other }) await tab.EvaluateAsync(RecordSignedOutJs);

        // A wrong password: refused, still signed in, the account stays.
        await page.FillAsync("#delete-form [name=currentPassword]", "not the password at all");
        await page.ClickAsync("#delete-form button[type=submit]");
        await page.ClickAsync("#delete-yes");
        await Expect(page.Locator("#message")).ToHaveTextAsync("The current password is incorrect.");
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);

        // The first step only asks: nothing is sent until the confirm.
        browser.ResetCounts();
        await page.FillAsync("#delete-form [name=currentPassword]", HttpHelpers.Password);
        await page.ClickAsync("#delete-form button[type=submit]");
        await Expect(page.Locator("#delete-confirm")).ToBeVisibleAsync();
        await page.ClickAsync("#delete-no");
        await Expect(page.Locator("#delete-confirm")).ToBeHiddenAsync();
        Assert.DoesNotContain(browser.Responses, r => r.Method == "DELETE" && r.Path == "/profile");

        await page.ClickAsync("#delete-form button[type=submit]");
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#delete-yes"),
            r => r.Request.Method == "DELETE" && r.Url.EndsWith("/profile") && r.Status == 204);

        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(page.Locator("#message")).ToHaveTextAsync("This account has been deleted.");
        await Expect(page.Locator("#signed-in")).ToBeHiddenAsync();
        await Expect(other.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(other.Locator("#message")).ToHaveTextAsync("This account has been deleted.");
        Assert.Equal(["account_deleted"], await page.EvaluateAsync<string[]>("() => window.signedOutReasons"));
        Assert.Equal(["account_deleted"], await other.EvaluateAsync<string[]>("() => window.signedOutReasons"));
        Assert.Equal("signedout", await page.EvaluateAsync<string>("async () => (await import('/demo.js')).auth.state"));

        await LogInAsync(page, email);
        await Expect(page.Locator("#message")).ToHaveTextAsync("The email or password is incorrect.");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        using var http = browser.NewHttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.LoginFromAsync(email)).StatusCode);

        // A reload does not sign back in.
        await page.ReloadAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
    }

    [BrowserFact]
    public async Task TakeMailLinkReturnsTheTokenAndLeavesNoTraceInTheAddressBarOrHistory()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/?keep=1");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");

        var result = await page.EvaluateAsync<string>("""
            async () => {
              const { takeMailLink } = await import('/miniauth.js');
              // replaceState fires no hashchange, so the demo page's own listener stays out of it.
              history.replaceState(null, '', '/?keep=1#reset=abc-DEF_123');
              const taken = takeMailLink();
              const none = takeMailLink();
              history.replaceState(null, '', '/?keep=1#somewhere-else');
              const other = takeMailLink();
              return JSON.stringify({ taken, none, other, hash: location.hash, href: location.href.replace(location.origin, '') });
            }
            """);

        Assert.Equal("""{"taken":{"action":"reset","token":"abc-DEF_123"},"none":null,"other":null,"hash":"#somewhere-else","href":"/?keep=1#somewhere-else"}""", result);
    }

    // The token is out of the address bar and out of this entry of the history once the page read it.
    static async Task AssertTokenGoneAsync(IPage page, string token)
    {
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^[^#]*$"));
        Assert.Equal("", await page.EvaluateAsync<string>("() => location.hash"));
        Assert.DoesNotContain(token, page.Url);
        Assert.DoesNotContain(token, await page.EvaluateAsync<string>("() => location.href + JSON.stringify(history.state)"));
    }

    static async Task<(IPage Page, string Email)> SignedInPageAsync(BrowserHarness browser, string name = "page")
    {
        var email = await SignUpAsync(browser);
        var page = await browser.NewPageAsync(name);
        await page.GotoAsync("/");
        await LogInAsync(page, email);
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        return (page, email);
    }

    static async Task<string> SignUpAsync(BrowserHarness browser)
    {
        var email = HttpHelpers.NewEmail();
        using var http = browser.NewHttpClient();
        Assert.Equal(HttpStatusCode.Created, (await http.SignUpAsync(email)).StatusCode);
        return email;
    }

    static async Task LogInAsync(IPage page, string email, string password = HttpHelpers.Password)
    {
        await page.FillAsync("#login-form [name=email]", email);
        await page.FillAsync("#login-form [name=password]", password);
        await page.ClickAsync("#login-form button[type=submit]");
    }
}
