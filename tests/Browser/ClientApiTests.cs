using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MiniAuth.Tests.Browser;

// The account wrappers of miniauth.js (the packaged file, as /miniauth.js serves it) against the
// real service in Chromium: getAccessToken, updateProfile, changePassword, listActivity,
// revokeAllSessions and the "revoked" sign-out it tells every tab.
public class ClientApiTests(ITestOutputHelper output)
{
    const string Setup = """
        async (email) => {
          const { createMiniAuth, MiniAuthError } = await import('/miniauth.js');
          window.auth = createMiniAuth();
          window.MiniAuthError = MiniAuthError;
          window.reasons = [];
          auth.addEventListener('signedout', (e) => reasons.push(e.detail.reason));
          if (email) {
            await auth.signup({ email, password: 'correct horse battery staple' });
            await auth.login({ email, password: 'correct horse battery staple' });
          }
          return auth.state;
        }
        """;

    [BrowserFact]
    public async Task TheAccountWrappersWorkAgainstTheServiceAndRevokeAllSignsOutEveryTab()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var page = await browser.NewPageAsync("tab 1");
        await page.GotoAsync("/");
        var email = HttpHelpers.NewEmail();
        Assert.Equal("signedin", await page.EvaluateAsync<string>(Setup, email));

        // The same token while it is fresh; a new one, through one refresh, when asked to.
        browser.ResetCounts();
        Assert.True(await page.EvaluateAsync<bool>(
            "async () => (await auth.getAccessToken()) === (await auth.getAccessToken())"));
        Assert.Empty(browser.RefreshCalls);
        Assert.True(await page.EvaluateAsync<bool>(
            "async () => { const old = await auth.getAccessToken(); const fresh = await auth.getAccessToken({ refresh: true }); return typeof fresh === 'string' && fresh !== old; }"));
        Assert.Single(browser.RefreshCalls);

        Assert.Equal("Ada", await page.EvaluateAsync<string>("async () => (await auth.updateProfile({ name: 'Ada' })).name"));
        Assert.Equal("400 validation_failed currentPassword", await page.EvaluateAsync<string>("""
            async () => { try { await auth.changePassword('wrong password here', 'a new long passphrase'); return 'changed'; }
              catch (e) { return [e.status, e.code, Object.keys(e.problem.errors).join()].join(' '); } }
            """));
        await page.EvaluateAsync("() => auth.changePassword('correct horse battery staple', 'a new long passphrase 42')");
        var types = await page.EvaluateAsync<string[]>("async () => (await auth.listActivity({ limit: 10 })).items.map((e) => e.type)");
        Assert.Equal("PasswordChanged", types[0]);
        Assert.Contains("ProfileUpdated", types);
        Assert.Equal(1, await page.EvaluateAsync<int>("async () => (await auth.listActivity({ limit: 1 })).items.length"));

        // A second tab of the same browser shares the session: it signs out too, with the reason.
        var second = await browser.NewPageAsync("tab 2");
        await second.GotoAsync("/");
        await second.EvaluateAsync(Setup, (string?)null);
        Assert.True(await second.EvaluateAsync<bool>("() => auth.restore()"));

        await page.EvaluateAsync("() => auth.revokeAllSessions()");
        Assert.Equal(["revoked"], await page.EvaluateAsync<string[]>("() => reasons"));
        Assert.Equal("signedout", await page.EvaluateAsync<string>("() => auth.state"));
        await second.WaitForFunctionAsync("() => reasons.length > 0");
        Assert.Equal(["revoked"], await second.EvaluateAsync<string[]>("() => reasons"));

        // The cookie's session is gone: no token to hand out any more.
        Assert.Null(await page.EvaluateAsync<string?>("() => auth.getAccessToken()"));
    }
}
