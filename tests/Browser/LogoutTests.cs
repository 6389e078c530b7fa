using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MiniAuth.Tests.Browser;

// miniauth.js's logout(): it reports success only when the service confirmed it (204), a
// logout that did not reach the service stays pending for every tab and is retried before
// anything signs back in, and "signedout" says why.
public class LogoutTests(ITestOutputHelper output)
{
    // Each returns a word the test can compare, never throws into Playwright.
    const string LogoutJs = """
        async () => {
          const { auth } = await import('/demo.js');
          try { await auth.logout(); return 'resolved'; }
          catch (e) { return ['rejected', e.name, e.status, e.problem?.code].filter(Boolean).join(' '); }
        }
        """;
    const string RestoreJs = """
        async () => {
          const { auth } = await import('/demo.js');
          try { return String(await auth.restore()); }
          catch (e) { return ['rejected', e.name, e.status].filter(Boolean).join(' '); }
        }
        """;
    const string RecordSignedOutJs = """
        async () => {
          const { auth } = await import('/demo.js');
          if (!window.signedOutReasons)
            auth.addEventListener('signedout', (e) => window.signedOutReasons.push(String(e.detail?.reason)));
          window.signedOutReasons = [];
        }
        """;
    const string StateJs = "async () => { const { auth } = await import('/demo.js'); return auth.state; }";
    const string PendingJs = "async () => { const { auth } = await import('/demo.js'); return auth.logoutPending === true; }";
    const string ProfileStatusJs = "async () => { const { auth } = await import('/demo.js'); return (await auth.authFetch('/profile')).status; }";

    const string StoreUnavailable =
        """{"type":"about:blank","title":"Service Unavailable","status":503,"code":"store_unavailable","detail":"The store cannot be reached."}""";

    [BrowserFact]
    public Task ALogoutThatHitsANetworkErrorRejectsAndNothingRestoresUntilARetryEndsTheSession() =>
        FailedLogoutIsPendingUntilARetryAsync(route => route.AbortAsync(), "rejected TypeError");

    [BrowserFact]
    public Task ALogoutAnswered503RejectsWithTheProblemAndNothingRestoresUntilARetryEndsTheSession() =>
        FailedLogoutIsPendingUntilARetryAsync(route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 503,
            ContentType = "application/problem+json",
            Body = StoreUnavailable,
        }), "rejected MiniAuthError 503 store_unavailable");

    async Task FailedLogoutIsPendingUntilARetryAsync(Func<IRoute, Task> fail, string rejection)
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, _) = await SignedInPageAsync(browser);
        // Whatever the refresh cookie is called, these are what the browser holds for the session.
        var sessionCookies = await browser.Context.CookiesAsync();
        Assert.NotEmpty(sessionCookies);
        await page.RouteAsync("**/auth/logout", fail);
        browser.ResetCounts();

        Assert.Equal(rejection, await page.EvaluateAsync<string>(LogoutJs));
        Assert.True(await page.EvaluateAsync<bool>(PendingJs));
        Assert.Equal("signedout", await page.EvaluateAsync<string>(StateJs));

        // While the logout has not reached the service, a restore retries it (and fails again)
        // and never asks for a token: the cookie would still buy one.
        Assert.StartsWith("rejected", await page.EvaluateAsync<string>(RestoreJs));
        Assert.Equal("signedout", await page.EvaluateAsync<string>(StateJs));
        Assert.Empty(browser.RefreshCalls);
        Assert.True(await page.EvaluateAsync<bool>(PendingJs));

        // The service is back: the next restore ends the session first, and stays signed out.
        await page.UnrouteAsync("**/auth/logout");
        browser.ResetCounts();
        Assert.Equal("false", await page.EvaluateAsync<string>(RestoreJs));
        Assert.Equal(1, browser.CountResponses("/auth/logout", 204));
        Assert.Empty(browser.RefreshCalls);
        Assert.False(await page.EvaluateAsync<bool>(PendingJs));
        Assert.Equal("signedout", await page.EvaluateAsync<string>(StateJs));

        // Ended on the server: the cookie the browser held is refused now.
        using var http = browser.NewHttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await RestoreWithCookiesAsync(http, sessionCookies)).StatusCode);

        // And a restore after that is an ordinary one, with nothing left pending.
        browser.ResetCounts();
        Assert.Equal("false", await page.EvaluateAsync<string>(RestoreJs));
        Assert.Equal(0, browser.CountResponses("/auth/logout", 204));
    }

    [BrowserFact]
    public async Task AnotherTabIsNotSignedOutWhileTheLogoutFailsOnlyOnceARetrySucceeds()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (first, email) = await SignedInPageAsync(browser, "tab 1");
        var second = await browser.NewPageAsync("tab 2");
        await second.GotoAsync("/");
        await Expect(second.Locator("#status")).ToHaveTextAsync(email);
        await second.EvaluateAsync(RecordSignedOutJs);
        await first.RouteAsync("**/auth/logout", route => route.AbortAsync());

        var logout = await first.EvaluateAsync<string>(LogoutJs);
        // A broadcast takes milliseconds; give a wrong one ample time to arrive.
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.Empty(await second.EvaluateAsync<string[]>("() => window.signedOutReasons"));
        Assert.StartsWith("rejected", logout);
        Assert.Equal("signedin", await second.EvaluateAsync<string>(StateJs));
        await Expect(second.Locator("#status")).ToHaveTextAsync(email);
        // The session lives on, so the other tab's calls still work, and it sees the logout pending.
        Assert.Equal(200, await second.EvaluateAsync<int>(ProfileStatusJs));
        Assert.True(await second.EvaluateAsync<bool>(PendingJs));

        // The next logout() reaches the service: now the other tab is told.
        await first.UnrouteAsync("**/auth/logout");
        Assert.Equal("resolved", await first.EvaluateAsync<string>(LogoutJs));
        await Expect(second.Locator("#status")).ToHaveTextAsync("Signed out");
        Assert.Equal(["logout-in-other-tab"], await second.EvaluateAsync<string[]>("() => window.signedOutReasons"));
        Assert.False(await second.EvaluateAsync<bool>(PendingJs));
    }

    [BrowserFact]
    public async Task ASuccessfulLogoutSignsOutWithReasonLogoutInTheTabThatMadeIt()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (first, email) = await SignedInPageAsync(browser, "tab 1");
        var second = await browser.NewPageAsync("tab 2");
        await second.GotoAsync("/");
        await Expect(second.Locator("#status")).ToHaveTextAsync(email);
        var sessionCookies = await browser.Context.CookiesAsync();
        foreach (var tab in new[] { first, second }) await tab.EvaluateAsync(RecordSignedOutJs);

        // A logout that reaches the service at once: "logout" here, the other tab is told.
        Assert.Equal("resolved", await first.EvaluateAsync<string>(LogoutJs));
        Assert.Equal(["logout"], await first.EvaluateAsync<string[]>("() => window.signedOutReasons"));
        await Expect(second.Locator("#status")).ToHaveTextAsync("Signed out");
        Assert.Equal(["logout-in-other-tab"], await second.EvaluateAsync<string[]>("() => window.signedOutReasons"));
        Assert.Equal(1, browser.CountResponses("/auth/logout", 204));
        using var http = browser.NewHttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await RestoreWithCookiesAsync(http, sessionCookies)).StatusCode);

        // A logout that reaches the service only when the other tab's refresh retries it: that
        // tab signs out with "logout" (the user's logout, now done), and nothing is left pending.
        await LogInAsync(first, email);
        await Expect(first.Locator("#status")).ToHaveTextAsync(email);
        await Expect(second.Locator("#status")).ToHaveTextAsync(email);
        sessionCookies = await browser.Context.CookiesAsync();
        foreach (var tab in new[] { first, second }) await tab.EvaluateAsync(RecordSignedOutJs);
        await first.RouteAsync("**/auth/logout", route => route.AbortAsync());
        Assert.StartsWith("rejected", await first.EvaluateAsync<string>(LogoutJs));
        await browser.AdvanceClocksAsync(BrowserHarness.AccessLifetime + TimeSpan.FromSeconds(1));
        browser.ResetCounts();

        Assert.Equal(401, await second.EvaluateAsync<int>(ProfileStatusJs));

        Assert.Equal(["logout"], await second.EvaluateAsync<string[]>("() => window.signedOutReasons"));
        Assert.Equal(["logout"], await first.EvaluateAsync<string[]>("() => window.signedOutReasons"));
        Assert.Equal(1, browser.CountResponses("/auth/logout", 204));
        Assert.Empty(browser.RefreshCalls);
        foreach (var tab in new[] { first, second })
        {
            Assert.False(await tab.EvaluateAsync<bool>(PendingJs));
            Assert.Equal("[]", await tab.EvaluateAsync<string>("() => JSON.stringify(Object.keys(localStorage))"));
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await RestoreWithCookiesAsync(http, sessionCookies)).StatusCode);
    }

    [BrowserFact]
    public async Task ASessionEndedAnswerHandsItsReasonToSignedOut()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var (page, _) = await SignedInPageAsync(browser);

        // A refused refresh that says why (what the service answers for an ended session).
        await page.RouteAsync("**/auth/restoreAccessToken", route => route.FulfillAsync(SessionEnded("password_changed")));
        Assert.Equal(["password_changed"], await page.EvaluateAsync<string[]>(
            "async () => { const { createMiniAuth } = await import('/miniauth.js'); const auth = createMiniAuth(); const reasons = []; " +
            "auth.addEventListener('signedout', (e) => reasons.push(e.detail.reason)); " +
            "if (await auth.restore()) reasons.push('restored'); return reasons; }"));

        // One that does not: the reason says only that the refresh was refused.
        await page.UnrouteAsync("**/auth/restoreAccessToken");
        await page.RouteAsync("**/auth/restoreAccessToken", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 401,
            ContentType = "application/problem+json",
            Body = """{"status":401,"title":"Refresh refused","detail":"The session has ended."}""",
        }));
        Assert.Equal(["refresh-refused"], await page.EvaluateAsync<string[]>(
            "async () => { const { createMiniAuth } = await import('/miniauth.js'); const auth = createMiniAuth(); const reasons = []; " +
            "auth.addEventListener('signedout', (e) => reasons.push(e.detail.reason)); " +
            "if (await auth.restore()) reasons.push('restored'); return reasons; }"));

        // A protected route's 401 for an ended session, to a signed-in page: its reason, and the
        // caller still gets the 401 with its body unread.
        await page.UnrouteAsync("**/auth/restoreAccessToken");
        await page.RouteAsync("**/profile", route => route.FulfillAsync(SessionEnded("revoked")));
        Assert.Equal("revoked 401 session_ended", await page.EvaluateAsync<string>(
            "async () => { const { createMiniAuth } = await import('/miniauth.js'); const auth = createMiniAuth(); const reasons = []; " +
            "auth.addEventListener('signedout', (e) => reasons.push(e.detail.reason)); " +
            "if (!(await auth.restore())) return 'not signed in'; " +
            "const res = await auth.authFetch('/profile'); " +
            "return [...reasons, res.status, (await res.json()).code].join(' '); }"));
    }

    static RouteFulfillOptions SessionEnded(string reason) => new()
    {
        Status = 401,
        ContentType = "application/problem+json",
        Body = $$"""{"status":401,"title":"Session ended","detail":"The session was ended: {{reason}}.","code":"session_ended","reason":"{{reason}}"}""",
    };

    // POST /auth/restoreAccessToken with every cookie the browser held, by whatever name.
    static Task<HttpResponseMessage> RestoreWithCookiesAsync(HttpClient http, IReadOnlyList<BrowserContextCookiesResult> cookies)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken");
        request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
        return http.SendAsync(request);
    }

    // A new account, signed in through the demo page.
    static async Task<(IPage Page, string Email)> SignedInPageAsync(BrowserHarness browser, string name = "page")
    {
        var email = HttpHelpers.NewEmail();
        using (var http = browser.NewHttpClient())
            Assert.Equal(HttpStatusCode.Created, (await http.SignUpAsync(email)).StatusCode);
        var page = await browser.NewPageAsync(name);
        await page.GotoAsync("/");
        await LogInAsync(page, email);
        await Expect(page.Locator("#status")).ToHaveTextAsync(email);
        return (page, email);
    }

    static async Task LogInAsync(IPage page, string email)
    {
        await page.FillAsync("#login-form [name=email]", email);
        await page.FillAsync("#login-form [name=password]", HttpHelpers.Password);
        await page.ClickAsync("#login-form button[type=submit]");
    }
}
