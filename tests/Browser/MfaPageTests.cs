using Microsoft.Playwright;
using OtpNet;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MiniAuth.Tests.Browser;

// Two-factor authentication on the demo page in headless Chromium: enrolment with the QR code,
// the code prompt at login, the recovery codes; the codes computed here from the secret on the
// app's fake clock, as an authenticator app would.
public class MfaPageTests(ITestOutputHelper output)
{
    [BrowserFact]
    public async Task EnrolOnTheDemoPageThenSignOutAndSignInWithPasswordAndCode()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await LogInAsync(page, email);
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);

        await page.FillAsync("#totp-start-form [name=currentPassword]", HttpHelpers.Password);
        await page.ClickAsync("#totp-start-form button[type=submit]");
        await Expect(page.Locator("#totp-confirm-form")).ToBeVisibleAsync();
        // The QR code is an image the page's CSP lets load (a data: URI), drawn from the service's SVG.
        Assert.StartsWith("data:image/svg+xml", await page.Locator("#totp-qr").GetAttributeAsync("src"));
        await page.WaitForFunctionAsync("() => document.getElementById('totp-qr').complete && document.getElementById('totp-qr').naturalWidth > 0");
        var secret = Base32Encoding.ToBytes((await page.Locator("#totp-secret").TextContentAsync())!.Replace(" ", ""));

        await page.FillAsync("#totp-confirm-form [name=code]", MfaTestHelpers.CodeAt(secret, browser.App.Time.GetUtcNow()));
        await page.ClickAsync("#totp-confirm-form button[type=submit]");
        await Expect(page.Locator("#totp-recovery")).ToBeVisibleAsync();
        await Expect(page.Locator("#totp-recovery-codes li")).ToHaveCountAsync(10);
        await Expect(page.Locator("#message")).ToHaveTextAsync("Two-factor authentication is on.");
        await page.ClickAsync("#totp-recovery-done");
        await Expect(page.Locator("#totp-recovery-codes li")).ToHaveCountAsync(0);

        await page.ClickAsync("#logout");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await browser.AdvanceClocksAsync(TimeSpan.FromSeconds(30));

        await LogInAsync(page, email);
        await Expect(page.Locator("#mfa-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#login-form")).ToBeHiddenAsync();
        await page.FillAsync("#mfa-form [name=code]", MfaTestHelpers.CodeAt(secret, browser.App.Time.GetUtcNow()));
        await page.ClickAsync("#mfa-form button[type=submit]");
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        await Expect(page.Locator("#mfa-form")).ToBeHiddenAsync();
        await Expect(page.Locator("#sessions li.session").First).ToContainTextAsync("two-factor");
    }

    [BrowserFact]
    public async Task AWrongCodeIsSaidWithTheTriesLeftAndARecoveryCodeSignsIn()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        using var http = browser.NewHttpClient();
        var (email, _, totp) = await browser.App.NewAccountWithTotpAsync(http);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await LogInAsync(page, email);

        var wrong = MfaTestHelpers.CodeAt(totp.Secret, browser.App.Time.GetUtcNow()) == "000000" ? "111111" : "000000";
        await page.FillAsync("#mfa-form [name=code]", wrong);
        await page.ClickAsync("#mfa-form button[type=submit]");
        await Expect(page.Locator("#message")).ToContainTextAsync("4 tries left");
        await Expect(page.Locator("#mfa-form")).ToBeVisibleAsync();

        await page.ClickAsync("#mfa-use-recovery");
        await page.FillAsync("#mfa-form [name=recoveryCode]", totp.RecoveryCodes[0]);
        await page.ClickAsync("#mfa-form button[type=submit]");
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
    }

    [BrowserFact]
    public async Task WithoutAHandlerLoginRejectsWithMfaRequiredAndCancelLeavesTheLoginForm()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        using var http = browser.NewHttpClient();
        var (email, _, _) = await browser.App.NewAccountWithTotpAsync(http);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");

        var code = await page.EvaluateAsync<string>(@"async ([email, password]) => {
            const { createMiniAuth, MiniAuthError } = await import('/miniauth.js');
            try { await createMiniAuth({ channelName: 'bare' }).login({ email, password }); return 'signed in'; }
            catch (e) { return e instanceof MiniAuthError ? e.problem.code : String(e); }
        }", new[] { email, HttpHelpers.Password });
        Assert.Equal("mfa_required", code);

        await LogInAsync(page, email);
        await Expect(page.Locator("#mfa-form")).ToBeVisibleAsync();
        await page.ClickAsync("#mfa-cancel");
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#mfa-form")).ToBeHiddenAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
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
