using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MiniAuth.Tests.Browser;

// authFetch sends the access token only to the origins it trusts: the service's, the page's
// own, and those in `apiOrigins`. Every assertion is on what a real server on a real socket
// received, never on the script's internals.
public class TrustedOriginsTests(ITestOutputHelper output)
{
    // A tiny server of its own origin (another port of 127.0.0.1) that writes down the
    // Authorization header of every request it receives. It answers CORS for any origin and
    // allows the Authorization header, so nothing but the script decides whether the token
    // comes: had the script attached it, the preflight would pass and the header arrive.
    // As the front end, it also serves a page that imports miniauth.js from the service.
    sealed class Site : IAsyncDisposable
    {
        readonly WebApplication _server;

        Site(WebApplication server) => _server = server;

        public string Origin { get; private set; } = "";
        public int Port => new Uri(Origin).Port;
        public string Api { get; set; } = "";
        public string Options { get; set; } = "{}";
        public ConcurrentQueue<(string Path, string? Authorization)> Seen { get; } = new();

        public static async Task<Site> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
            builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            var site = new Site(builder.Build());
            site._server.Run(site.AnswerAsync);
            await site._server.StartAsync();
            site.Origin = site._server.Urls.Single().TrimEnd('/');
            return site;
        }

        public IEnumerable<string?> AuthorizationsSeenAt(string path) => Seen.Where(s => s.Path == path).Select(s => s.Authorization);

        async Task AnswerAsync(HttpContext context)
        {
            var (request, response) = (context.Request, context.Response);
            if (request.Headers.Origin is { Count: > 0 } origin)
            {
                response.Headers.AccessControlAllowOrigin = origin;
                response.Headers.AccessControlExposeHeaders = "WWW-Authenticate";
                response.Headers.Vary = "Origin";
            }
            if (HttpMethods.IsOptions(request.Method))
            {
                response.Headers.AccessControlAllowHeaders = "Authorization, Content-Type";
                response.Headers.AccessControlAllowMethods = "GET, POST";
                response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            var authorization = request.Headers.Authorization;
            Seen.Enqueue((request.Path.Value ?? "", authorization.Count == 0 ? null : authorization.ToString()));
            switch (request.Path.Value)
            {
                case "/app":
                    response.ContentType = "text/html";
                    await response.WriteAsync(Page());
                    return;
                case "/redirect":
                    // An open redirect, as a careless API might have one.
                    response.Redirect(request.Query["to"].ToString());
                    return;
                case "/reject":
                    // What a foreign API answers to a token it does not know.
                    response.StatusCode = StatusCodes.Status401Unauthorized;
                    response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
                    return;
                default:
                    await response.WriteAsync("seen");
                    return;
            }
        }

        string Page() => $$"""
            <!doctype html><title>front end</title>
            <script type="module">
              window.api = "{{Api}}";
              try {
                const { createMiniAuth } = await import("{{Api}}/miniauth.js");
                window.createMiniAuth = createMiniAuth;
                window.auth = createMiniAuth({ baseUrl: "{{Api}}", ...{{Options}} });
                window.ready = "module";
              } catch (error) {
                window.ready = "failed: " + error;
              }
            </script>
            """;

        public async ValueTask DisposeAsync() => await _server.DisposeAsync();
    }

    const string StatusOf = "async (url) => (await auth.authFetch(url)).status";

    // The service on its own origin, allowing the front end's; the page on the front end,
    // signed in with a new account through miniauth.js.
    static async Task<(BrowserHarness Browser, IPage Page)> SignedInAsync(ITestOutputHelper output, Site front, object? options = null)
    {
        var browser = await BrowserHarness.StartAsync(output,
            new Dictionary<string, string?> { ["MiniAuth:Cors:AllowedOrigins:0"] = front.Origin });
        try
        {
            front.Api = browser.BaseAddress.ToString().TrimEnd('/');
            front.Options = JsonSerializer.Serialize(options ?? new { });
            var email = HttpHelpers.NewEmail();
            using (var http = browser.NewHttpClient())
                Assert.Equal(HttpStatusCode.Created, (await http.SignUpAsync(email)).StatusCode);
            var page = await browser.NewPageAsync(front.Origin);
            await page.GotoAsync(front.Origin + "/app");
            await page.WaitForFunctionAsync("() => window.ready !== undefined");
            Assert.Equal("module", await page.EvaluateAsync<string>("() => window.ready"));
            await page.EvaluateAsync("([email, password]) => auth.login({ email, password })", new[] { email, HttpHelpers.Password });
            browser.ResetCounts();
            return (browser, page);
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    [BrowserFact]
    public async Task AuthFetchSendsTheBearerToThePagesOwnOriginAndToTheService()
    {
        await using var front = await Site.StartAsync();
        var (browser, page) = await SignedInAsync(output, front);
        await using var _ = browser;

        Assert.Equal(200, await page.EvaluateAsync<int>(StatusOf, "/orders"));
        Assert.Equal(200, await page.EvaluateAsync<int>(StatusOf, browser.BaseAddress + "profile"));

        // The front end got the very access token the service accepts.
        var bearer = Assert.Single(front.AuthorizationsSeenAt("/orders"));
        Assert.StartsWith("Bearer ", bearer);
        using var http = browser.NewHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.FetchProfileAsync(bearer!["Bearer ".Length..])).StatusCode);
        Assert.Equal(1, browser.CountResponses("/profile", 200));
    }

    [BrowserFact]
    public async Task AuthFetchSendsNoBearerToAnotherOriginHoweverTheUrlIsGiven()
    {
        await using var front = await Site.StartAsync();
        await using var elsewhere = await Site.StartAsync();
        var (browser, page) = await SignedInAsync(output, front);
        await using var _ = browser;

        var statuses = await page.EvaluateAsync<int[]>("""
            async ([elsewhere, sameHostName]) => Promise.all([
              auth.authFetch(elsewhere + "/as-string"),
              auth.authFetch(new URL("/as-url", elsewhere)),
              auth.authFetch(new Request(elsewhere + "/as-request")),
              auth.authFetch(sameHostName + "/other-host-name"),
            ].map(async (call) => (await call).status))
            """, new[] { elsewhere.Origin, $"http://localhost:{front.Port}" });

        Assert.Equal([200, 200, 200, 200], statuses);
        foreach (var path in new[] { "/as-string", "/as-url", "/as-request" })
            Assert.Null(Assert.Single(elsewhere.AuthorizationsSeenAt(path)));
        // localhost and 127.0.0.1 are two origins, even on the same port of the same server.
        Assert.Null(Assert.Single(front.AuthorizationsSeenAt("/other-host-name")));
        Assert.Empty(browser.RefreshCalls);
    }

    [BrowserFact]
    public async Task ABaseElementOrAnotherFramesRequestCannotCarryTheBearerToAnotherOrigin()
    {
        await using var front = await Site.StartAsync();
        await using var elsewhere = await Site.StartAsync();
        var (browser, page) = await SignedInAsync(output, front);
        await using var _ = browser;

        // Injected markup alone can add a <base>; another frame's Request is not instanceof ours.
        await page.EvaluateAsync("""
            async ([elsewhere]) => {
              const frame = document.createElement("iframe");
              document.body.append(frame);
              await auth.authFetch(new frame.contentWindow.Request(elsewhere + "/request-from-a-frame"));
              const base = document.createElement("base");
              base.href = elsewhere + "/";
              document.head.prepend(base);
              await auth.authFetch("/relative-to-a-base");
            }
            """, new[] { elsewhere.Origin });

        Assert.Null(Assert.Single(elsewhere.AuthorizationsSeenAt("/request-from-a-frame")));
        Assert.Null(Assert.Single(elsewhere.AuthorizationsSeenAt("/relative-to-a-base")));
    }

    [BrowserFact]
    public async Task AnotherOriginsUnauthorizedAnswerNeitherRefreshesNorSignsOut()
    {
        await using var front = await Site.StartAsync();
        await using var elsewhere = await Site.StartAsync();
        var (browser, page) = await SignedInAsync(output, front);
        await using var _ = browser;

        Assert.Equal(401, await page.EvaluateAsync<int>(StatusOf, elsewhere.Origin + "/reject"));

        Assert.Null(Assert.Single(elsewhere.AuthorizationsSeenAt("/reject")));
        Assert.Empty(browser.RefreshCalls);
        Assert.True(await page.EvaluateAsync<bool>("() => auth.isSignedIn"));
        Assert.Equal(200, await page.EvaluateAsync<int>(StatusOf, "/orders"));
        Assert.StartsWith("Bearer ", Assert.Single(front.AuthorizationsSeenAt("/orders")));
    }

    [BrowserFact]
    public async Task AnOriginInApiOriginsGetsTheBearerButNotOverAnotherScheme()
    {
        await using var front = await Site.StartAsync();
        await using var api = await Site.StartAsync();
        await using var plain = await Site.StartAsync();
        // `plain` is trusted only over https: its http origin is another origin.
        var (browser, page) = await SignedInAsync(output, front,
            new { apiOrigins = new[] { api.Origin, plain.Origin.Replace("http://", "https://") } });
        await using var _ = browser;

        Assert.Equal(200, await page.EvaluateAsync<int>(StatusOf, api.Origin + "/orders"));
        Assert.Equal(200, await page.EvaluateAsync<int>(StatusOf, plain.Origin + "/orders"));

        var bearer = Assert.Single(api.AuthorizationsSeenAt("/orders"));
        Assert.StartsWith("Bearer ", bearer);
        using var http = browser.NewHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.FetchProfileAsync(bearer!["Bearer ".Length..])).StatusCode);
        Assert.Null(Assert.Single(plain.AuthorizationsSeenAt("/orders")));
    }

    [BrowserFact]
    public async Task ARedirectFromATrustedOriginToAnotherLeavesTheBearerBehind()
    {
        // An open redirect on a trusted API: the browser drops Authorization when a redirect
        // crosses origins (Fetch standard), so the token never follows it.
        await using var front = await Site.StartAsync();
        await using var elsewhere = await Site.StartAsync();
        var (browser, page) = await SignedInAsync(output, front);
        await using var _ = browser;

        var status = await page.EvaluateAsync<int>(StatusOf, "/redirect?to=" + Uri.EscapeDataString(elsewhere.Origin + "/landed"));

        Assert.Equal(200, status);
        Assert.StartsWith("Bearer ", Assert.Single(front.AuthorizationsSeenAt("/redirect")));
        Assert.Null(Assert.Single(elsewhere.AuthorizationsSeenAt("/landed")));
    }

    [BrowserFact]
    public async Task AnApiOriginsEntryThatIsNotAnExactOriginThrowsWhenCreated()
    {
        await using var browser = await BrowserHarness.StartAsync(output);
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        string[] invalid =
        [
            "https://api.example.com/", "https://api.example.com/v1", "https://api.example.com?x=1",
            "https://*.example.com", "*", "api.example.com", "/api", "ftp://api.example.com",
            "https://user@api.example.com", " https://api.example.com", "",
        ];

        var outcomes = await page.EvaluateAsync<string[]>("""
            async (entries) => {
              const { createMiniAuth } = await import("/miniauth.js");
              return entries.map((entry) => {
                try { createMiniAuth({ apiOrigins: [entry] }); return "created"; }
                catch (error) { return `${error.name}: ${error.message}`; }
              });
            }
            """, invalid);

        Assert.Equal(invalid.Length, outcomes.Length);
        foreach (var (entry, outcome) in invalid.Zip(outcomes))
        {
            Assert.StartsWith("TypeError: MiniAuth: each apiOrigins entry must be an exact origin", outcome);
            Assert.EndsWith($"got {JsonSerializer.Serialize(entry)}.", outcome);
        }

        var valid = await page.EvaluateAsync<string>("""
            async () => {
              const { createMiniAuth } = await import("/miniauth.js");
              createMiniAuth({ apiOrigins: ["https://api.example.com", "http://localhost:5173", "https://API.example.com:443"] });
              try { createMiniAuth({ apiOrigins: "https://api.example.com" }); return "created"; }
              catch (error) { return `${error.name}: ${error.message}`; }
            }
            """);
        Assert.StartsWith("TypeError: MiniAuth: apiOrigins must be an array", valid);
    }
}
