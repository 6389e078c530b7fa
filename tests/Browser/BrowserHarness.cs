using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MiniAuth.Tests.Browser;

// One MiniAuthApp on a real socket (http://127.0.0.1:<port>, a secure context for Chromium,
// so the Secure cookie is kept) and one headless Chromium whose context shares one cookie
// jar between its tabs. The server's FakeTimeProvider and the browser's clock move together.
// onLocalhost: http://localhost:<port> instead, with PublicUrl so: WebAuthn needs an RP id that
// is a domain.
internal sealed class BrowserHarness : IAsyncDisposable
{
    public static readonly TimeSpan AccessLifetime = TimeSpan.FromMinutes(5);

    readonly ITestOutputHelper _output;
    IPlaywright? _playwright;
    IBrowser? _browser;

    readonly int? _localhostPort;

    BrowserHarness(ITestOutputHelper output, IDictionary<string, string?>? settings, bool onLocalhost)
    {
        _output = output;
        var all = new Dictionary<string, string?> { ["MiniAuth:AccessTokenLifetime"] = AccessLifetime.ToString() };
        if (onLocalhost)
        {
            _localhostPort = FreePort();
            all["MiniAuth:PublicUrl"] = $"http://localhost:{_localhostPort}";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        App = new MiniAuthApp(settings: all);
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public MiniAuthApp App { get; }
    public IBrowserContext Context { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;

    // Every request the browser made to /auth/restoreAccessToken, and every answer it saw.
    public ConcurrentQueue<string> RefreshCalls { get; } = new();
    public ConcurrentQueue<(string Method, string Path, int Status)> Responses { get; } = new();

    public static async Task<BrowserHarness> StartAsync(ITestOutputHelper output, IDictionary<string, string?>? settings = null,
        BrowserNewContextOptions? contextOptions = null, bool onLocalhost = false)
    {
        var harness = new BrowserHarness(output, settings, onLocalhost);
        try
        {
            await harness.StartCoreAsync(contextOptions);
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    async Task StartCoreAsync(BrowserNewContextOptions? contextOptions)
    {
        if (_localhostPort is { } port) App.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        else App.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = _localhostPort is { } named ? new Uri($"http://localhost:{named}") : new Uri(address);

        _playwright = await Playwright.CreateAsync();
        // Playwright gives each launch a new, empty user-data-dir of its own.
        _browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions);
        contextOptions ??= new BrowserNewContextOptions();
        contextOptions.BaseURL ??= BaseAddress.ToString();
        Context = await _browser.NewContextAsync(contextOptions);
        await Context.Clock.InstallAsync(new ClockInstallOptions { TimeDate = App.Time.GetUtcNow().UtcDateTime });

        Context.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath == "/auth/restoreAccessToken") RefreshCalls.Enqueue(request.Method);
        };
        Context.Response += (_, response) =>
            Responses.Enqueue((response.Request.Method, new Uri(response.Url).AbsolutePath, response.Status));
    }

    public async Task<IPage> NewPageAsync(string name = "page")
    {
        var page = await Context.NewPageAsync();
        page.Console += (_, message) => _output.WriteLine($"[{name} console.{message.Type}] {message.Text}");
        page.PageError += (_, error) => _output.WriteLine($"[{name} error] {error}");
        return page;
    }

    // "Wait past the access lifetime" is a clock move on both sides, never a sleep.
    public async Task AdvanceClocksAsync(TimeSpan by)
    {
        App.Time.Advance(by);
        await Context.Clock.FastForwardAsync((long)by.TotalMilliseconds);
    }

    public HttpClient NewHttpClient() => new() { BaseAddress = BaseAddress };

    // Counting starts over, after a test's setup (the page's first load tries a restore too).
    public void ResetCounts()
    {
        RefreshCalls.Clear();
        Responses.Clear();
    }

    public int CountResponses(string path, int status) => Responses.Count(r => r.Path == path && r.Status == status);

    public static string ArtifactsDirectory
    {
        get
        {
            var directory = Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}
