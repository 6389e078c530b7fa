using System.Collections.Concurrent;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MiniAuth.Tests.Browser;

// The admin page at /admin/ in headless Chromium against the real app on a socket, with the
// seeded admin (AdminTestHelpers.WithAdmin). What the page does is checked over HTTP as well:
// a disabled user's live token, a signup with the invite the page showed, a deleted account.
public class AdminPageTests(ITestOutputHelper output)
{
    // Every CSP violation the page reports, recorded before any of its scripts run.
    const string RecordCspViolationsJs = """
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (e) =>
          window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
        """;

    [BrowserFact]
    public async Task TheAdminPageIsServedAtAdminWithAndWithoutTheSlashUnderTheStrictCsp()
    {
        await using var browser = await BrowserHarness.StartAsync(output, AdminTestHelpers.WithAdmin());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = browser.BaseAddress };

        var page = await http.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("style-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", string.Join("", page.Headers.GetValues("X-Content-Type-Options")));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("admin.js", html);
        // Nothing inline for the CSP to refuse, and nothing from elsewhere.
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain(" style=", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/admin/admin.js")).StatusCode);

        // "/admin" (no API route has exactly that path) sends the browser to the page.
        var bare = await http.GetAsync("/admin");
        Assert.True((int)bare.StatusCode is 301 or 302 or 307 or 308, $"GET /admin answered {(int)bare.StatusCode}");
        Assert.Equal("/admin/", new Uri(browser.BaseAddress, bare.Headers.Location!).AbsolutePath);
        // The API under /admin/* still wants an admin's bearer.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/admin/users")).StatusCode);

        var tab = await NewAdminTabAsync(browser, out var violations);
        await tab.GotoAsync("/admin");
        Assert.EndsWith("/admin/", tab.Url);
        await Expect(tab.Locator("#login-form")).ToBeVisibleAsync();
        await Expect(tab.Locator("#status")).ToHaveTextAsync("Signed out");
        await AssertNoCspViolationAsync(tab, violations);
    }

    [BrowserFact]
    public async Task TheAdminSearchesOpensDisablesEnablesAndReRolesAUserAndCreatesAResetLink()
    {
        await using var browser = await BrowserHarness.StartAsync(output, AdminTestHelpers.WithAdmin());
        using var http = browser.NewHttpClient();
        var other = await http.NewAccountAsync();
        var target = await http.NewAccountAsync($"target-{Guid.NewGuid():N}@example.test");
        var targetLogin = await http.LoginAsync(target, delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await http.FetchProfileAsync(targetLogin.AccessToken)).StatusCode);

        var page = await NewAdminTabAsync(browser, out var violations);
        await SignInAsync(page, AdminTestHelpers.AdminEmail, AdminTestHelpers.AdminPassword);
        await Expect(page.Locator("#status")).ToHaveTextAsync(AdminTestHelpers.AdminEmail);

        // The list: the admin and both accounts, the admin tagged.
        var users = page.Locator("#users .user-row");
        await Expect(users).ToHaveCountAsync(3);
        await Expect(RowFor(page, AdminTestHelpers.AdminEmail).Locator(".tag-admin")).ToBeVisibleAsync();
        await Expect(RowFor(page, other)).ToBeVisibleAsync();

        // A search narrows it to one.
        await page.FillAsync("#search-form [name=query]", "TARGET-");
        await page.ClickAsync("#search-form button[type=submit]");
        await Expect(users).ToHaveCountAsync(1);
        await Expect(users.First.Locator(".user-email")).ToHaveTextAsync(target);

        await users.First.ClickAsync();
        await Expect(page.Locator("#user-email")).ToHaveTextAsync(target);
        await Expect(page.Locator("#user-disabled")).ToHaveTextAsync("Enabled");
        await Expect(page.Locator("#user-roles")).ToHaveTextAsync("none");
        await Expect(page.Locator("#user-verified")).ToHaveTextAsync("No");
        await Expect(page.Locator("#user-last-login")).Not.ToHaveTextAsync("never");
        await Expect(page.Locator("#user-mfa")).ToHaveTextAsync("None");
        await Expect(page.Locator("#user-id")).ToHaveTextAsync(targetLogin.UserId());
        // The user's session (the HTTP login above) is listed.
        await Expect(page.Locator("#user-sessions .session")).ToHaveCountAsync(1);
        await Expect(page.Locator("#message")).ToBeHiddenAsync();
        // Recent events come from GET /admin/audit?userId=: where this build has no such route
        // (404) the panel stays hidden, with no error; where it has, the panel shows.
        var admin = await http.LoginAdminAsync();
        var audit = await http.SendAsync(HttpMethod.Get, $"/admin/audit?userId={targetLogin.UserId()}", admin.AccessToken);
        output.WriteLine($"GET /admin/audit answered {(int)audit.StatusCode}");
        if (audit.StatusCode == HttpStatusCode.NotFound) await Expect(page.Locator("#events-card")).ToBeHiddenAsync();
        else
        {
            Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
            await Expect(page.Locator("#events-card")).ToBeVisibleAsync();
            var stored = (await audit.JsonAsync()).GetProperty("items").GetArrayLength();
            if (stored > 0)
            {
                // Events are stored in batches: open the user again, now that some are stored.
                await RowFor(page, target).ClickAsync();
                await Expect(page.Locator("#user-events .event").First).ToBeVisibleAsync();
                await Expect(page.Locator("#user-events")).Not.ToContainTextAsync("[object Object]");
            }
            else await Expect(page.Locator("#events-note")).ToHaveTextAsync("No events.");
        }

        var shot = Path.Combine(BrowserHarness.ArtifactsDirectory, "admin-page.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        output.WriteLine($"Screenshot of the admin page's user view: {shot}");
        Assert.True(new FileInfo(shot).Length > 0);

        // Disable: the user's live access token is refused at once.
        await page.ClickAsync("#toggle-disabled");
        await Expect(page.Locator("#user-disabled")).ToHaveTextAsync("Disabled");
        await Expect(page.Locator("#message")).ToContainTextAsync("is disabled");
        await Expect(page.Locator("#user-sessions .session")).ToHaveCountAsync(0);
        await Expect(RowFor(page, target).Locator(".tag-disabled")).ToBeVisibleAsync();
        var refused = await http.FetchProfileAsync(targetLogin.AccessToken);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", problem.GetProperty("code").GetString());
        Assert.Equal("account_disabled", problem.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostLoginAsync(target)).StatusCode);

        // A disabled account gets no reset link: the page says why.
        await page.ClickAsync("#reset-link");
        await Expect(page.Locator("#message")).ToHaveTextAsync("This account is disabled: enable it first.");
        await Expect(page.Locator("#reset-output")).ToBeHiddenAsync();

        // Enable: the user can log in again.
        await page.ClickAsync("#toggle-disabled");
        await Expect(page.Locator("#user-disabled")).ToHaveTextAsync("Enabled");
        await Expect(page.Locator("#toggle-disabled")).ToHaveTextAsync("Disable");
        await Expect(RowFor(page, target).Locator(".tag-disabled")).ToBeHiddenAsync();
        var again = await http.LoginAsync(target, delivery: "body");

        // Roles, as a comma list: in the store at once, in the next token.
        await page.FillAsync("#roles-form [name=roles]", "editor, billing.read");
        await page.ClickAsync("#roles-form button[type=submit]");
        await Expect(page.Locator("#user-roles")).ToHaveTextAsync("editor, billing.read");
        await Expect(page.Locator("#message")).ToContainTextAsync("Roles saved");
        Assert.Equal(["editor", "billing.read"], (await http.LoginAsync(target, delivery: "body")).Roles());

        // A bad role: the field's message is shown.
        await page.FillAsync("#roles-form [name=roles]", "Not A Role!");
        await page.ClickAsync("#roles-form button[type=submit]");
        await Expect(page.Locator("#message")).ToHaveAttributeAsync("data-kind", "error");
        await Expect(page.Locator("#message")).ToContainTextAsync("roles");
        await Expect(page.Locator("#user-roles")).ToHaveTextAsync("editor, billing.read");

        // A reset link, shown to copy; it is the real one (it sets a password).
        await page.ClickAsync("#reset-link");
        await Expect(page.Locator("#reset-output")).ToBeVisibleAsync();
        var link = await page.InputValueAsync("#reset-link-value");
        Assert.StartsWith($"{browser.BaseAddress.GetLeftPart(UriPartial.Authority)}/#reset=", link);
        var token = Uri.UnescapeDataString(link[(link.IndexOf("#reset=", StringComparison.Ordinal) + "#reset=".Length)..]);
        var reset = await http.PostAsJsonAsync("/auth/password/reset", new { token, newPassword = RecoveryTestHelpers.NewPassword });
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostLoginAsync(target, RecoveryTestHelpers.NewPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.FetchProfileAsync(again.AccessToken)).StatusCode);

        await AssertNoCspViolationAsync(page, violations);
    }

    [BrowserFact]
    public async Task AnInviteCreatedOnThePageShowsItsCodeAndLinkAndAdmitsASignup()
    {
        await using var browser = await BrowserHarness.StartAsync(output,
            AdminTestHelpers.WithAdmin(("MiniAuth:Signup:Mode", "InviteOnly")));
        using var http = browser.NewHttpClient();
        var page = await NewAdminTabAsync(browser, out var violations);
        await SignInAsync(page, AdminTestHelpers.AdminEmail, AdminTestHelpers.AdminPassword);
        await Expect(page.Locator("#users .user-row")).ToHaveCountAsync(1);

        var invitee = HttpHelpers.NewEmail();
        await page.FillAsync("#invite-form [name=email]", invitee);
        await page.FillAsync("#invite-form [name=roles]", "editor");
        await page.ClickAsync("#invite-form button[type=submit]");
        await Expect(page.Locator("#invite-output")).ToBeVisibleAsync();
        var code = await page.InputValueAsync("#invite-code");
        Assert.False(string.IsNullOrWhiteSpace(code));
        Assert.EndsWith($"#invite={code}", await page.InputValueAsync("#invite-link"));
        await Expect(page.Locator("#invite-expires")).ToContainTextAsync("Single use");

        // Without the invite the signup is refused; with it, it works and brings the roles.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SignUpWithInviteAsync(HttpHelpers.NewEmail(), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.SignUpWithInviteAsync(invitee, code)).StatusCode);
        Assert.Equal(["editor"], (await http.LoginAsync(invitee, delivery: "body")).Roles());

        // A bad role: the field's message is shown.
        await page.FillAsync("#invite-form [name=roles]", "Bad Role");
        await page.ClickAsync("#invite-form button[type=submit]");
        await Expect(page.Locator("#message")).ToHaveAttributeAsync("data-kind", "error");
        await Expect(page.Locator("#message")).ToContainTextAsync("roles");

        // The invitee's sessions, ended from the page: the live token is refused.
        var inviteeLogin = await http.LoginAsync(invitee, delivery: "body");
        await page.ClickAsync("#reload-users");
        await RowFor(page, invitee).ClickAsync();
        await Expect(page.Locator("#user-roles")).ToHaveTextAsync("editor");
        await Expect(page.Locator("#user-sessions .session")).ToHaveCountAsync(2);
        await page.ClickAsync("#end-sessions");
        await Expect(page.Locator("#message")).ToHaveTextAsync("Every session of this user has ended.");
        await Expect(page.Locator("#user-sessions .session")).ToHaveCountAsync(0);
        await Expect(page.Locator("#sessions-note")).ToHaveTextAsync("No live sessions.");
        var ended = await (await http.FetchProfileAsync(inviteeLogin.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("forced_logout", ended.GetProperty("reason").GetString());
        await AssertNoCspViolationAsync(page, violations);
    }

    [BrowserFact]
    public async Task DeletingAUserTakesAConfirmStepAndTheAdminsOwnAccountIsRefusedClearly()
    {
        await using var browser = await BrowserHarness.StartAsync(output, AdminTestHelpers.WithAdmin());
        using var http = browser.NewHttpClient();
        var doomed = await http.NewAccountAsync();
        var doomedLogin = await http.LoginAsync(doomed, delivery: "body");
        var page = await NewAdminTabAsync(browser, out var violations);
        await SignInAsync(page, AdminTestHelpers.AdminEmail, AdminTestHelpers.AdminPassword);

        await RowFor(page, doomed).ClickAsync();
        await Expect(page.Locator("#user-email")).ToHaveTextAsync(doomed);

        // The first click only asks; Cancel leaves the account alone.
        await page.ClickAsync("#delete-user");
        await Expect(page.Locator("#delete-confirm")).ToBeVisibleAsync();
        await Expect(page.Locator("#delete-confirm-text")).ToContainTextAsync(doomed);
        await page.ClickAsync("#delete-no");
        await Expect(page.Locator("#delete-confirm")).ToBeHiddenAsync();
        Assert.Equal(HttpStatusCode.OK, (await http.FetchProfileAsync(doomedLogin.AccessToken)).StatusCode);

        await page.ClickAsync("#delete-user");
        await page.ClickAsync("#delete-yes");
        await Expect(page.Locator("#message")).ToHaveTextAsync($"{doomed} is deleted.");
        await Expect(page.Locator("#user-card")).ToBeHiddenAsync();
        await Expect(RowFor(page, doomed)).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.FetchProfileAsync(doomedLogin.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostLoginAsync(doomed)).StatusCode);

        // The admin's own account: disabling and deleting are refused with a clear message, and
        // dropping the last admin's role too.
        await RowFor(page, AdminTestHelpers.AdminEmail).ClickAsync();
        await Expect(page.Locator("#user-email")).ToHaveTextAsync(AdminTestHelpers.AdminEmail);
        await Expect(page.Locator("#user-sessions .badge")).ToBeVisibleAsync();
        await page.ClickAsync("#toggle-disabled");
        await Expect(page.Locator("#message")).ToHaveTextAsync("You cannot disable or delete your own account here; another admin can.");
        await page.ClickAsync("#delete-user");
        await page.ClickAsync("#delete-yes");
        await Expect(page.Locator("#message")).ToHaveTextAsync("You cannot disable or delete your own account here; another admin can.");
        await page.FillAsync("#roles-form [name=roles]", "");
        await page.ClickAsync("#roles-form button[type=submit]");
        await Expect(page.Locator("#message")).ToContainTextAsync("This is the last enabled admin");
        await Expect(page.Locator("#user-roles")).ToHaveTextAsync("admin");
        await Expect(page.Locator("#user-disabled")).ToHaveTextAsync("Enabled");
        await AssertNoCspViolationAsync(page, violations);
    }

    [BrowserFact]
    public async Task ANonAdminSigningInSeesThatTheAccountIsNotAnAdmin()
    {
        await using var browser = await BrowserHarness.StartAsync(output, AdminTestHelpers.WithAdmin());
        using var http = browser.NewHttpClient();
        var email = await http.NewAccountAsync();
        var page = await NewAdminTabAsync(browser, out var violations);

        await SignInAsync(page, email, HttpHelpers.Password);

        await Expect(page.Locator("#not-admin")).ToBeVisibleAsync();
        await Expect(page.Locator("#not-admin-text")).ToHaveTextAsync("This account is not an admin.");
        await Expect(page.Locator("#admin-view")).ToBeHiddenAsync();
        await Expect(page.Locator("#users .user-row")).ToHaveCountAsync(0);
        Assert.True(browser.CountResponses("/admin/users", 403) >= 1);

        // Logging out leads back to the sign-in form.
        await page.ClickAsync("#logout");
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
        await Expect(page.Locator("#not-admin")).ToBeHiddenAsync();
        await AssertNoCspViolationAsync(page, violations);
    }

    [BrowserFact]
    public async Task TheUserListPagesWithTheNextCursorAndASearchStartsOver()
    {
        await using var browser = await BrowserHarness.StartAsync(output, AdminTestHelpers.WithAdmin());
        using var http = browser.NewHttpClient();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var first = await http.NewAccountAsync($"pager-{tag}-1@example.test");
        var second = await http.NewAccountAsync($"pager-{tag}-2@example.test");
        var page = await NewAdminTabAsync(browser, out var violations);
        await page.GotoAsync("/admin/?limit=2");
        await page.FillAsync("#login-form [name=email]", AdminTestHelpers.AdminEmail);
        await page.FillAsync("#login-form [name=password]", AdminTestHelpers.AdminPassword);
        await page.ClickAsync("#login-form button[type=submit]");

        // Two a page (the test clock stands still, so the order among equal createdAt is by id),
        // then "Load more" with the page's next cursor brings the third, and no more button.
        var emails = page.Locator("#users .user-email");
        await Expect(emails).ToHaveCountAsync(2);
        await Expect(page.Locator("#users-more")).ToBeVisibleAsync();
        var firstPage = await emails.AllTextContentsAsync();
        var more = await page.RunAndWaitForRequestAsync(() => page.ClickAsync("#users-more"),
            r => new Uri(r.Url).AbsolutePath == "/admin/users");
        Assert.Contains("cursor=", new Uri(more.Url).Query);
        await Expect(emails).ToHaveCountAsync(3);
        await Expect(page.Locator("#users-more")).ToBeHiddenAsync();
        var all = await emails.AllTextContentsAsync();
        Assert.Equal(firstPage, all.Take(2));
        Assert.Equal(new[] { AdminTestHelpers.AdminEmail, first, second }.Order(), all.Order());

        // A search replaces the list; one that matches nobody says so.
        await page.FillAsync("#search-form [name=query]", $"pager-{tag}");
        await page.ClickAsync("#search-form button[type=submit]");
        await Expect(emails).ToHaveCountAsync(2);
        Assert.Equal(new[] { first, second }.Order(), (await emails.AllTextContentsAsync()).Order());
        await page.FillAsync("#search-form [name=query]", "nobody-has-this");
        await page.ClickAsync("#search-form button[type=submit]");
        await Expect(emails).ToHaveCountAsync(0);
        await Expect(page.Locator("#users-note")).ToHaveTextAsync("No user matches this search.");
        await AssertNoCspViolationAsync(page, violations);
    }

    // ---- helpers ------------------------------------------------------------------------------

    async Task<IPage> NewAdminTabAsyncCore(BrowserHarness browser, ConcurrentQueue<string> violations)
    {
        var page = await browser.NewPageAsync("admin page");
        await page.AddInitScriptAsync(RecordCspViolationsJs);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Enqueue(message.Text);
        };
        return page;
    }

    Task<IPage> NewAdminTabAsync(BrowserHarness browser, out ConcurrentQueue<string> violations)
    {
        violations = new ConcurrentQueue<string>();
        return NewAdminTabAsyncCore(browser, violations);
    }

    static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/admin/");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Signed out");
        await page.FillAsync("#login-form [name=email]", email);
        await page.FillAsync("#login-form [name=password]", password);
        await page.ClickAsync("#login-form button[type=submit]");
    }

    static ILocator RowFor(IPage page, string email) =>
        page.Locator("#users .user-row").Filter(new LocatorFilterOptions { Has = page.Locator(".user-email", new PageLocatorOptions { HasTextString = email }) });

    static async Task AssertNoCspViolationAsync(IPage page, ConcurrentQueue<string> console)
    {
        var reported = await page.EvaluateAsync<string[]>("() => window.__cspViolations ?? []");
        Assert.Empty(reported);
        Assert.Empty(console);
    }
}
