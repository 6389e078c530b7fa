using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MiniAuth.Tests.Browser;

// A front end served from another origin of the same site (another port of 127.0.0.1),
// importing miniauth.js from the service: CORS with credentials for the allowed origin only.
public class CrossOriginTests(ITestOutputHelper output)
{
    // The front end's own server: a real loopback socket, as Chromium's local-network rules
    // want for a page that calls a loopback service.
    sealed class FrontEnd : IAsyncDisposable
    {
        readonly WebApplication _server;

        FrontEnd(WebApplication server) => _server = server;

        public string Origin { get; private set; } = "";
        public string Api { get; set; } = "";

        public static async Task<FrontEnd> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var front = new FrontEnd(builder.Build());
            front._server.MapGet("/app", () => Results.Content(front.Page(), "text/html"));
            await front._server.StartAsync();
            front.Origin = front._server.Urls.Single().TrimEnd('/');
            return front;
        }

        string Page() => $$"""
            <!doctype html><title>front end</title>
            <script type="module">
              window.api = "{{Api}}";
              try {
                const { createMiniAuth } = await import("{{Api}}/miniauth.js");
                window.auth = createMiniAuth({ baseUrl: "{{Api}}" });
                window.ready = "module";
              } catch (error) {
                window.ready = "no module: " + error.name;
              }
            </script>
            """;

        public async ValueTask DisposeAsync() => await _server.DisposeAsync();
    }

    static async Task<IPage> OpenAsync(BrowserHarness browser, FrontEnd front)
    {
        front.Api = browser.BaseAddress.ToString().TrimEnd('/');
        var page = await browser.NewPageAsync(front.Origin);
        await page.GotoAsync(front.Origin + "/app");
        await page.WaitForFunctionAsync("() => window.ready !== undefined");
        return page;
    }

    static Task<BrowserHarness> StartAllowingAsync(ITestOutputHelper output, string origin) => BrowserHarness.StartAsync(output,
        new Dictionary<string, string?> { ["MiniAuth:Cors:AllowedOrigins:0"] = origin });

    [BrowserFact]
    public async Task AFrontEndOnAnAllowedOriginSignsInRefreshesAndRestoresWithTheCookie()
    {
        await using var front = await FrontEnd.StartAsync();
        await using var browser = await StartAllowingAsync(output, front.Origin);
        var email = HttpHelpers.NewEmail();
        using (var http = browser.NewHttpClient())
            Assert.Equal(HttpStatusCode.Created, (await http.SignUpAsync(email)).StatusCode);
        var page = await OpenAsync(browser, front);
        Assert.Equal("module", await page.EvaluateAsync<string>("() => window.ready"));

        var signedIn = await page.EvaluateAsync<string>(
            "async ([email, password]) => { await auth.login({ email, password }); return (await auth.fetchProfile()).email; }",
            new[] { email, HttpHelpers.Password });
        Assert.Equal(email, signedIn);
        browser.ResetCounts();

        // The 401's WWW-Authenticate must be readable across origins for the retry to happen.
        browser.App.Time.Advance(BrowserHarness.AccessLifetime + TimeSpan.FromSeconds(1));
        var status = await page.EvaluateAsync<int>("async () => (await auth.authFetch(api + '/profile')).status");
        Assert.Equal(200, status);
        Assert.Single(browser.RefreshCalls);
        Assert.Equal(1, browser.CountResponses("/profile", 401));

        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => window.ready !== undefined");
        Assert.True(await page.EvaluateAsync<bool>("() => auth.restore()"));
        Assert.Equal(email, await page.EvaluateAsync<string>("async () => (await auth.fetchProfile()).email"));
        Assert.Equal("", await page.EvaluateAsync<string>("() => document.cookie"));
    }

    [BrowserFact]
    public async Task AFrontEndOnAnotherOriginCanNeitherLoadTheModuleNorLogIn()
    {
        await using var front = await FrontEnd.StartAsync();
        await using var browser = await StartAllowingAsync(output, "http://127.0.0.1:1");
        var email = HttpHelpers.NewEmail();
        using (var http = browser.NewHttpClient())
            Assert.Equal(HttpStatusCode.Created, (await http.SignUpAsync(email)).StatusCode);
        var page = await OpenAsync(browser, front);
        Assert.StartsWith("no module", await page.EvaluateAsync<string>("() => window.ready"));
        browser.ResetCounts();

        var outcome = await page.EvaluateAsync<string>("""
            async ([email, password]) => {
              try {
                await fetch(api + "/auth/login", { method: "POST", credentials: "include",
                  headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password }) });
                return "answered";
              } catch (error) { return error.name; }
            }
            """, new[] { email, HttpHelpers.Password });

        Assert.Equal("TypeError", outcome);
        Assert.Equal(0, browser.CountResponses("/auth/login", 200));
        Assert.DoesNotContain(await browser.Context.CookiesAsync(), c => c.Name == HttpHelpers.RefreshCookieName);
    }
}
