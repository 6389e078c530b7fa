using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MiniAuth.Tests.Browser;

// The demo page at "/" in headless Chromium, over a real socket, with the server's and the
// browser's clocks moved together.
public class DemoPageTests(ITestOutputHelper output)
{
    const string FetchProfileJs = "async () => { const { auth } = await import('/demo.js'); return (await auth.fetchProfile()).email; }";
    const string AuthFetchProfileStatusJs = "async () => { const { auth } = await import('/demo.js'); return (await auth.authFetch('/profile')).status; }";

    [BrowserFact]
    public async Task SignUpAndLogInOnTheDemoPageShowTheProfile()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        browser.ResetCounts();

        var email = HttpHelpers.NewEmail();
        await page.ClickAsync("#tab-signup");
        await page.FillAsync("#signup-form [name=name]", "Ada Lovelace");
        await page.FillAsync("#signup-form [name=email]", email);
        await page.FillAsync("#signup-form [name=password]", HttpHelpers.Password);
        await page.ClickAsync("#signup-form button[type=submit]");

        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        await Expect(page.Locator("#profile-name")).ToHaveTextAsync("Ada Lovelace");
        await Expect(page.Locator("#profile-email")).ToHaveTextAsync(email);
        await Expect(page.Locator("#message")).ToBeHiddenAsync();
        Assert.Empty(browser.RefreshCalls);
    }

    [BrowserFact]
    public async Task LogInWithAWrongPasswordShowsTheErrorAndStaysSignedOut()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await LogInAsync(page, email, "not the password at all");

        await Expect(page.Locator("#message")).ToHaveTextAsync("The email or password is incorrect.");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(page.Locator("#signed-in")).ToBeHiddenAsync();
    }

    [BrowserFact]
    public async Task FetchProfilePastTheAccessLifetimeSucceedsWithExactlyOneRefreshAndNoError()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, email) = await SignedInPageAsync(browser);
        browser.ResetCounts();

        await browser.AdvanceClocksAsync(BrowserHarness.AccessLifetime + TimeSpan.FromSeconds(1));
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#fetch-profile"),
            r => r.Url.EndsWith("/profile") && r.Status == 200);

        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        await Expect(page.Locator("#profile-email")).ToHaveTextAsync(email);
        await Expect(page.Locator("#message")).ToBeHiddenAsync();
        await Expect(page.Locator("#fetch-profile")).ToBeEnabledAsync();
        Assert.Single(browser.RefreshCalls);
        // Refreshed ahead of expiry: the expired token was never sent.
        Assert.Equal(0, browser.CountResponses("/profile", 401));
    }

    [BrowserFact]
    public async Task AnInvalidTokenAnswerIsRefreshedOnceAndTheCallRetriedOnce()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, email) = await SignedInPageAsync(browser);

        browser.ResetCounts();

        // Only the server's clock moves: the page still believes its token, the service says
        // invalid_token, and the page must recover without the user noticing.
        browser.App.Time.Advance(BrowserHarness.AccessLifetime + TimeSpan.FromSeconds(1));
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#fetch-profile"),
            r => r.Url.EndsWith("/profile") && r.Status == 200);

        await Expect(page.Locator("#message")).ToBeHiddenAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        Assert.Single(browser.RefreshCalls);
        Assert.Equal(1, browser.CountResponses("/profile", 401));
    }

    [BrowserFact]
    public async Task CallsThatFailTogetherShareOneRefresh()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, email) = await SignedInPageAsync(browser);
        browser.ResetCounts();

        browser.App.Time.Advance(BrowserHarness.AccessLifetime + TimeSpan.FromSeconds(1));
        var statuses = await page.EvaluateAsync<int[]>(
            "async () => { const { auth } = await import('/demo.js'); " +
            "return Promise.all([1, 2, 3, 4, 5].map(async () => (await auth.authFetch('/profile')).status)); }");

        Assert.All(statuses, status => Assert.Equal(200, status));
        Assert.Single(browser.RefreshCalls);
        Assert.Equal(5, browser.CountResponses("/profile", 401));
        Assert.Equal(5, browser.CountResponses("/profile", 200));
    }

    [BrowserFact]
    public async Task ReloadKeepsTheSession()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, email) = await SignedInPageAsync(browser);
        browser.ResetCounts();

        await page.ReloadAsync();

        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        await Expect(page.Locator("#profile-email")).ToHaveTextAsync(email);
        await Expect(page.Locator("#message")).ToBeHiddenAsync();
        Assert.Single(browser.RefreshCalls);
    }

    [BrowserFact]
    public async Task TwoTabsRefreshingAtTheSameMomentBothStaySignedIn()
    {
        // No reuse grace at all: had the tabs raced with the same refresh token, the service
        // would take it for theft and end the session.
        await using var browser = await BrowserHarness.StartAsync(output,
            new Dictionary<string, string?> { ["MiniAuth:RefreshReuseGrace"] = "00:00:00" });
        var email = await SignUpAsync(browser);
        var first = await browser.NewPageAsync("tab 1");
        await first.GotoAsync("/");
        await LogInAsync(first, email);
        await Expect(first.Locator("#status")).ToHaveTextAsync(email);
        var second = await browser.NewPageAsync("tab 2");
        await second.GotoAsync("/");
        await Expect(second.Locator("#status")).ToHaveTextAsync(email);

        await browser.AdvanceClocksAsync(BrowserHarness.AccessLifetime + TimeSpan.FromSeconds(1));
        browser.ResetCounts();
        var emails = await Task.WhenAll(first.EvaluateAsync<string>(FetchProfileJs), second.EvaluateAsync<string>(FetchProfileJs));

        Assert.Equal([email, email], emails);
        Assert.InRange(browser.RefreshCalls.Count, 1, 2);
        Assert.Equal(0, browser.CountResponses("/auth/restoreAccessToken", 401));
        foreach (var tab in new[] { first, second })
        {
            await Expect(tab.Locator("#status")).ToHaveTextAsync(email);
            await Expect(tab.Locator("#message")).ToBeHiddenAsync();
        }

        // The session survived: a reload restores it from the cookie.
        await first.ReloadAsync();
        await Expect(first.Locator("#profile-email")).ToHaveTextAsync(email);
        Assert.Equal(0, browser.CountResponses("/auth/restoreAccessToken", 401));
    }

    [BrowserFact]
    public async Task LogoutInOneTabSignsOutTheOtherAtItsNextCall()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        var first = await browser.NewPageAsync("tab 1");
        await first.GotoAsync("/");
        await LogInAsync(first, email);
        await Expect(first.Locator("#status")).ToHaveTextAsync(email);
        var second = await browser.NewPageAsync("tab 2");
        await second.GotoAsync("/");
        await Expect(second.Locator("#status")).ToHaveTextAsync(email);

        await first.RunAndWaitForResponseAsync(() => first.ClickAsync("#logout"),
            r => r.Url.EndsWith("/auth/logout") && r.Status == 204);
        await Expect(first.Locator("#status")).ToHaveTextAsync("Signed out");
        browser.ResetCounts();

        var status = await second.EvaluateAsync<int>(AuthFetchProfileStatusJs);

        Assert.Equal(401, status);
        Assert.Equal(0, browser.CountResponses("/profile", 200));
        Assert.InRange(browser.RefreshCalls.Count, 0, 1);
        await Expect(second.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(second.Locator("#signed-in")).ToBeHiddenAsync();
        Assert.DoesNotContain(await browser.Context.CookiesAsync(), c => c.Name == HttpHelpers.RefreshCookieName);
    }

    [BrowserFact]
    public async Task AnotherTabsSessionEndsOnTheServerEvenWithoutTheBroadcast()
    {
        // The other tab's own next call must fail on its own merits: its access token is bound
        // to the revoked session, and the cookie is gone.
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        var first = await browser.NewPageAsync("tab 1");
        await first.GotoAsync("/");
        await LogInAsync(first, email);
        await Expect(first.Locator("#status")).ToHaveTextAsync(email);
        var second = await browser.NewPageAsync("tab 2");
        await second.AddInitScriptAsync("window.BroadcastChannel = undefined;");
        await second.GotoAsync("/");
        await Expect(second.Locator("#status")).ToHaveTextAsync(email);

        await first.RunAndWaitForResponseAsync(() => first.ClickAsync("#logout"),
            r => r.Url.EndsWith("/auth/logout") && r.Status == 204);
        await Expect(second.Locator("#status")).ToHaveTextAsync(email);
        browser.ResetCounts();

        var status = await second.EvaluateAsync<int>(AuthFetchProfileStatusJs);

        Assert.Equal(401, status);
        await Expect(second.Locator("#status")).ToHaveTextAsync("Signed out");
        await Expect(second.Locator("#message")).ToHaveTextAsync("Your session has ended. Please log in again.");
        Assert.Single(browser.RefreshCalls);
        Assert.Equal(1, browser.CountResponses("/profile", 401));
    }

    [BrowserFact]
    public async Task ARefreshDoesNotWaitForeverForALockAnotherTabNeverReleases()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        var page = await browser.NewPageAsync("tab 1");
        await page.GotoAsync("/");
        await LogInAsync(page, email);
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        var stuck = await browser.NewPageAsync("stuck tab");
        await stuck.GotoAsync("/");
        await Expect(stuck.Locator("#status")).ToHaveTextAsync(email);
        await stuck.EvaluateAsync("() => new Promise(held => navigator.locks.request('miniauth:refresh:' + location.origin, () => { held(); return new Promise(() => {}); }))");
        browser.ResetCounts();

        var restored = await page.EvaluateAsync<bool>(
            "async () => { const { createMiniAuth } = await import('/miniauth.js'); " +
            "return createMiniAuth({ lockTimeoutSeconds: 0.5 }).restore(); }");

        Assert.True(restored);
        Assert.Single(browser.RefreshCalls);
        Assert.Equal(1, browser.CountResponses("/auth/restoreAccessToken", 200));
    }

    [BrowserFact]
    public async Task DocumentCookieNeverShowsTheRefreshToken()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, email) = await SignedInPageAsync(browser);
        browser.ResetCounts();
        await AssertNothingReadableAsync();

        await browser.AdvanceClocksAsync(BrowserHarness.AccessLifetime + TimeSpan.FromSeconds(1));
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#fetch-profile"),
            r => r.Url.EndsWith("/profile") && r.Status == 200);
        await AssertNothingReadableAsync();

        await page.ReloadAsync();
        await Expect(page.Locator("#profile-email")).ToHaveTextAsync(email);
        await AssertNothingReadableAsync();

        // The cookie is there all along, just out of the page's reach.
        var cookie = Assert.Single(await browser.Context.CookiesAsync(), c => c.Name == HttpHelpers.RefreshCookieName);
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path);
        Assert.Equal(2, browser.CountResponses("/auth/restoreAccessToken", 200));

        async Task AssertNothingReadableAsync()
        {
            var refreshToken = Assert.Single(await browser.Context.CookiesAsync(), c => c.Name == HttpHelpers.RefreshCookieName).Value;
            var readable = await page.EvaluateAsync<string>(
                "() => JSON.stringify([document.cookie, Object.entries(localStorage), Object.entries(sessionStorage)])");
            Assert.Equal("[\"\",[],[]]", readable);
            Assert.DoesNotContain(refreshToken, readable);
        }
    }

    [BrowserFact]
    public async Task TheSessionListSaysNotAvailableWhenTheServiceAnswers404()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        var page = await browser.NewPageAsync();
        // What a service without the session routes answers.
        await page.RouteAsync("**/sessions", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 404,
            ContentType = "application/problem+json",
            Body = """{"status":404,"title":"Not Found","detail":"There is nothing at this address."}""",
        }));
        await page.GotoAsync("/");
        await LogInAsync(page, email);

        await Expect(page.Locator("#sessions-note")).ToHaveTextAsync("The session list is not available on this server.");
        await Expect(page.Locator("#profile-email")).ToHaveTextAsync(email);
        await Expect(page.Locator("#message")).ToBeHiddenAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
    }

    [BrowserFact(NeedsSessionRoutes = true)]
    public async Task TheSessionListShowsThisDeviceAndRevokesAnother()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var email = await SignUpAsync(browser);
        using var otherDevice = browser.NewHttpClient();
        var other = await otherDevice.LoginAsync(email);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await LogInAsync(page, email);

        var rows = page.Locator("#sessions li.session");
        await Expect(rows).ToHaveCountAsync(2);
        var thisDevice = rows.Filter(new LocatorFilterOptions { Has = page.Locator(".badge:visible") });
        await Expect(thisDevice).ToHaveCountAsync(1);
        await Expect(thisDevice.Locator(".revoke")).ToBeHiddenAsync();

        var otherRow = rows.Filter(new LocatorFilterOptions { HasNot = page.Locator(".badge:visible") });
        await otherRow.Locator(".revoke").ClickAsync();

        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#message")).ToHaveTextAsync("Session revoked.");
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherDevice.RestoreWithCookieAsync(other.Refresh)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherDevice.FetchProfileAsync(other.AccessToken)).StatusCode);
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
    }

    [BrowserFact]
    public async Task TheDemoPageOnAPhoneIsKeptAsAScreenshot()
    {
        await using var browser = await BrowserHarness.StartAsync(output, contextOptions: new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        });
        var email = $"ada-{Guid.NewGuid():N}"[..12] + "@example.test";
        using var http = browser.NewHttpClient();
        Assert.Equal(HttpStatusCode.Created, (await http.SignUpAsync(email, name: "Ada Lovelace")).StatusCode);
        // Another device, so the session list (where the service has one) shows a revoke button.
        http.DefaultRequestHeaders.UserAgent.ParseAdd(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1");
        await http.LoginAsync(email);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        var signedOut = Path.Combine(BrowserHarness.ArtifactsDirectory, "demo-signed-out.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = signedOut, FullPage = true });

        await LogInAsync(page, email);
        await Expect(page.Locator("#profile-name")).ToHaveTextAsync("Ada Lovelace");
        await Expect(page.Locator("#sessions li.session, #sessions-note:visible").First).ToBeVisibleAsync();
        var signedIn = Path.Combine(BrowserHarness.ArtifactsDirectory, "demo.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = signedIn, FullPage = true });

        // Nothing sticks out sideways on a phone.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        foreach (var file in new[] { signedOut, signedIn })
            Assert.True(new FileInfo(file).Length > 10_000, $"{file} looks empty");
        output.WriteLine($"Screenshots: {signedIn}, {signedOut}");
    }

    // A new account, signed in through the demo page.
    static async Task<(IPage Page, string Email)> SignedInPageAsync(BrowserHarness browser)
    {
        var email = await SignUpAsync(browser);
        var page = await browser.NewPageAsync();
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
