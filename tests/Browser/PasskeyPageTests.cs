using Microsoft.Playwright;
using MiniAuth.Storage;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MiniAuth.Tests.Browser;

// Passkeys on the demo page in real Chromium, with a virtual authenticator of the DevTools
// protocol's WebAuthn domain (a platform authenticator that holds discoverable credentials and
// verifies its user), on http://localhost so that "localhost" is the relying party.
public class PasskeyPageTests(ITestOutputHelper output)
{
    [BrowserFact]
    public async Task APasskeyIsRegisteredUsedAloneToSignInAndRemovedOnTheDemoPage()
    {
        await using var browser = await BrowserHarness.StartAsync(output, onLocalhost: true);
        var page = await browser.NewPageAsync();
        var devTools = await browser.Context.NewCDPSessionAsync(page);
        await devTools.SendAsync("WebAuthn.enable");
        var authenticator = (await devTools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        }))!.Value.GetProperty("authenticatorId").GetString()!;

        await page.GotoAsync("/");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(page.Locator("#passkey-login")).ToBeVisibleAsync();
        var email = HttpHelpers.NewEmail();
        await page.ClickAsync("#tab-signup");
        await page.FillAsync("#signup-form [name=email]", email);
        await page.FillAsync("#signup-form [name=password]", HttpHelpers.Password);
        await page.ClickAsync("#signup-form button[type=submit]");
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        await Expect(page.Locator("#passkeys-note")).ToBeVisibleAsync();

        await page.FillAsync("#passkey-form [name=name]", "Chromium");
        await page.ClickAsync("#passkey-form button[type=submit]");
        await Expect(page.Locator("#passkeys li .passkey-name")).ToHaveTextAsync(["Chromium"]);
        await Expect(page.Locator("#passkeys li .passkey-meta")).ToContainTextAsync("not used yet");
        var held = (await devTools.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticator }))!
            .Value.GetProperty("credentials").EnumerateArray().ToArray();
        var credential = Assert.Single(held);
        Assert.True(credential.GetProperty("isResidentCredential").GetBoolean());
        Assert.Equal("localhost", credential.GetProperty("rpId").GetString());

        await page.ClickAsync("#logout");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");

        // No email typed: the authenticator offers the account's discoverable passkey.
        await page.ClickAsync("#passkey-login");
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        await Expect(page.Locator("#passkeys li .passkey-meta")).ToContainTextAsync("last used");
        Assert.Equal(1, browser.CountResponses("/auth/passkey", 200));

        await page.ClickAsync("#passkeys li .remove");
        await Expect(page.Locator("#passkeys li")).ToHaveCountAsync(0);
        await Expect(page.Locator("#passkeys-note")).ToBeVisibleAsync();
        var users = browser.App.Get<IUserStore>();
        var user = await users.FindByEmailAsync(email.ToUpperInvariant(), default);
        Assert.Empty(await browser.App.Get<IPasskeyStore>().ListForUserAsync(user!.Id, default));

        // The authenticator still holds it, but the service no longer takes it.
        await page.ClickAsync("#logout");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await page.ClickAsync("#passkey-login");
        await Expect(page.Locator("#message")).ToHaveTextAsync("This passkey could not sign in here.");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserHarness.ArtifactsDirectory, "demo-passkey-refused.png") });
    }
}
