using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MiniAuth.Auth.Metrics;

namespace MiniAuth.Tests;

// /metrics as an operator's Prometheus sees it: absent unless enabled, and its counters move
// with what the service does.
// Every app with metrics on belongs in this class, whose tests run one at a time: the meter
// listener matches meters by name across the process, and an app with metrics on that stops while
// another scrapes can leave that scrape empty (seen with the user cache test in its own class).
public class MetricsTests
{
    static readonly Dictionary<string, string?> Enabled = new() { ["MiniAuth:Metrics:Enabled"] = "true" };

    [Fact]
    public async Task MetricsIsNotFoundWhenNotEnabled()
    {
        await using var app = new MiniAuthApp();
        var response = await app.NewClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task MetricsOnItsOwnPortIsNotFoundOnAnyOther()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>(Enabled) { ["MiniAuth:Metrics:Port"] = "9464" });
        var client = app.NewClient();
        // Not even with that port in the Host header: only the port the connection came in on counts.
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Host = "localhost:9464";
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task OnRealSocketsMetricsAnswersOnItsOwnPortAndNotOnTheServicePort()
    {
        var metricsPort = FreePort();
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>(Enabled) { ["MiniAuth:Metrics:Port"] = metricsPort.ToString() });
        app.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, metricsPort);
        });
        app.StartServer();
        var servicePort = app.Get<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).Single(p => p != metricsPort);
        using var http = new HttpClient();

        var metrics = await http.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync());
        var onService = await http.GetAsync($"http://127.0.0.1:{servicePort}/metrics");
        Assert.Equal(HttpStatusCode.NotFound, onService.StatusCode);
        Assert.Equal("application/problem+json", onService.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{servicePort}/health")).StatusCode);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task AnInvalidMetricsPortStopsTheStart()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>(Enabled) { ["MiniAuth:Metrics:Port"] = "70000" });
        var failure = Assert.ThrowsAny<Exception>(() => app.NewClient());
        Assert.Contains("MiniAuth:Metrics:Port must be between 1 and 65535.", failure.ToString());
    }

    [Theory, OnLiteDb, OnServers]
    public async Task AScrapeSeesLoginsFailuresRefreshesReuseAndRevocationsCounted(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: Enabled);
        var client = app.NewClient();
        var before = await PrometheusText.ScrapeAsync(client);

        var email = HttpHelpers.NewEmail();
        var login = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email, "not the password")).StatusCode);
        var restored = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.RefreshToken!));
        // The first refresh token again, after the grace: reuse, and the session is revoked for it.
        app.Time.Advance(app.RefreshReuseGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync(login.RefreshToken!)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync("not.a.token")).StatusCode);
        var second = await client.LoginAsync(email, delivery: "body");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", second.AccessToken)).StatusCode);
        Assert.NotEqual(login.AccessToken, restored.AccessToken);

        var after = await PrometheusText.ScrapeAsync(client);
        double Moved(string name, params (string, string)[] labels) => after.Value(name, labels) - before.Value(name, labels);
        Assert.Equal(2, Moved("miniauth_logins_total", ("outcome", "succeeded")));
        Assert.Equal(1, Moved("miniauth_logins_total", ("outcome", "failed")));
        Assert.Equal(1, Moved("miniauth_refreshes_total", ("outcome", "succeeded")));
        Assert.Equal(1, Moved("miniauth_refreshes_total", ("outcome", "refused")));
        Assert.Equal(1, Moved("miniauth_refreshes_total", ("outcome", "reuse_detected")));
        Assert.Equal(1, Moved("miniauth_refresh_reuse_detections_total"));
        Assert.Equal(1, Moved("miniauth_sessions_revoked_total", ("reason", "reuse_detected")));
        Assert.Equal(1, Moved("miniauth_sessions_revoked_total", ("reason", "logout")));
        // Signup hashes once; the three logins verify (the wrong password too, at full cost).
        Assert.Equal(1, Moved("miniauth_password_hash_duration_seconds_count", ("operation", "hash")));
        Assert.Equal(3, Moved("miniauth_password_hash_duration_seconds_count", ("operation", "verify")));
        Assert.True(Moved("miniauth_store_operation_duration_seconds_count", ("store", "sessions"), ("operation", "CreateAsync")) == 2, after.Text);
        Assert.True(Moved("miniauth_store_operation_duration_seconds_count", ("store", "users")) > 0);
        Assert.Equal(0, Moved("miniauth_store_errors_total"));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task TheUserCacheCountsItsHitsAndMisses(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: Enabled);
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);

        var scrape = await PrometheusText.ScrapeAsync(client);
        Assert.Equal(1, scrape.Value("miniauth_store_user_cache_lookups_total", ("result", "miss")));
        Assert.Equal(3, scrape.Value("miniauth_store_user_cache_lookups_total", ("result", "hit")));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task TheLiveSessionsGaugeCountsActiveSessionsAtMostOncePerInterval(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: Enabled);
        var client = app.NewClient();
        var live = app.Get<LiveSessions>();
        var first = await client.SignUpAndLoginAsync();
        await client.SignUpAndLoginAsync();

        // The first scrape starts a count; it shows from the next one.
        Assert.False((await PrometheusText.ScrapeAsync(client)).Has("miniauth_sessions_live"));
        await live.Counting;
        Assert.Equal(2, (await PrometheusText.ScrapeAsync(client)).Value("miniauth_sessions_live"));

        // Within the interval the store is not counted again: the gauge keeps its value.
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", first.AccessToken)).StatusCode);
        Assert.Equal(2, (await PrometheusText.ScrapeAsync(client)).Value("miniauth_sessions_live"));
        await live.Counting;

        app.Time.Advance(TimeSpan.FromMinutes(1));
        await PrometheusText.ScrapeAsync(client);
        await live.Counting;
        Assert.Equal(1, (await PrometheusText.ScrapeAsync(client)).Value("miniauth_sessions_live"));
    }

    [ServersFact]
    public async Task StoreOutagesAreCountedAndMetricsKeepAnsweringWhileRedisIsDown()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        await using var proxy = new TcpProxy(TestServers.Redis!);
        await using var app = store.NewApp(settings: new Dictionary<string, string?>(Enabled)
        {
            ["ConnectionStrings:Redis"] = proxy.RedisConnectionString,
        });
        var client = app.NewClient();
        var live = app.Get<LiveSessions>();
        await client.SignUpAndLoginAsync();
        await PrometheusText.ScrapeAsync(client);
        await live.Counting;
        var before = await PrometheusText.ScrapeAsync(client);
        Assert.Equal(1, before.Value("miniauth_sessions_live"));

        await proxy.StopAsync();
        await (await client.PostLoginAsync("someone@example.test")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await PrometheusText.ScrapeAsync(client);
        await live.Counting;

        // The failed count leaves the gauge as it was; the failed calls are outages, by store.
        var after = await PrometheusText.ScrapeAsync(client);
        Assert.Equal(1, after.Value("miniauth_sessions_live"));
        Assert.True(after.Value("miniauth_store_errors_total", ("kind", "outage")) > before.Value("miniauth_store_errors_total", ("kind", "outage")), after.Text);
        Assert.Equal(0, after.Value("miniauth_store_errors_total", ("store", "users")));
    }
}
