using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MiniAuth.Storage;
using Xunit.Abstractions;

namespace MiniAuth.Tests;

public class BruteForceTests(ITestOutputHelper output)
{
    const string Wrong = "not the right password";

    [Fact]
    public async Task LoginGives401ForTheFirstFailuresThen429WithRetryAfterEvenForTheRightPassword()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        for (var i = 0; i < 5; i++)
            await (await client.PostLoginAsync(email, Wrong)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var wrong = await client.PostLoginAsync(email, Wrong);
        var right = await client.PostLoginAsync(email);

        await wrong.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var problem = await right.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromMinutes(15), right.Headers.RetryAfter?.Delta);
        Assert.Equal(900, problem.GetProperty("retryAfter").GetInt32());
        Assert.Null(HttpHelpers.RefreshCookie(right));
    }

    [Fact]
    public async Task TheThrottleLiftsTheSecondTheWindowPasses()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        for (var i = 0; i < 5; i++) await client.PostLoginAsync(email, Wrong);

        app.Time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        var almost = await client.PostLoginAsync(email);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var after = await client.PostLoginAsync(email);

        await almost.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(1), almost.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task TheWindowAndLimitComeFromConfiguration()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:RateLimiting:MaxFailedLogins"] = "2",
            ["MiniAuth:RateLimiting:Window"] = "00:01:00",
        });
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email, Wrong)).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email, Wrong)).StatusCode);
        var throttled = await client.PostLoginAsync(email);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), throttled.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task UnknownEmailsAreCountedAndThrottledExactlyLikeKnownOnes()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var known = await client.NewAccountAsync();
        var unknown = HttpHelpers.NewEmail();

        for (var i = 0; i < 7; i++)
        {
            var forKnown = await client.PostLoginAsync(known, Wrong);
            var forUnknown = await client.PostLoginAsync(unknown, Wrong);
            Assert.Equal(forKnown.StatusCode, forUnknown.StatusCode);
            Assert.Equal(forKnown.Headers.RetryAfter?.Delta, forUnknown.Headers.RetryAfter?.Delta);
            Assert.Equal(await WithoutTraceIdAsync(forKnown), await WithoutTraceIdAsync(forUnknown));
            Assert.Equal(i < 5 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, forKnown.StatusCode);
        }
    }

    [Fact]
    public async Task EmailsAreCountedTrimmedAndCaseInsensitively()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        string[] spellings = [email, email.ToUpperInvariant(), $"  {email} ", email, email.ToUpperInvariant()];

        foreach (var spelling in spellings) await client.PostLoginAsync(spelling, Wrong);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostLoginAsync(email)).StatusCode);
    }

    [Fact]
    public async Task ASuccessfulLoginClearsTheCount()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        for (var i = 0; i < 4; i++) await client.PostLoginAsync(email, Wrong);

        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);

        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email, Wrong)).StatusCode);
    }

    [Fact]
    public async Task TheCountIsPerAccountAndClient()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var other = await client.NewAccountAsync();
        for (var i = 0; i < 5; i++) await client.LoginFromAsync(email, Wrong, address: "203.0.113.66");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.LoginFromAsync(email, address: "203.0.113.66")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "192.0.2.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(other, address: "203.0.113.66")).StatusCode);
    }

    [Fact]
    public async Task IPv6ClientsAreCountedByTheirSlash64()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        for (var i = 0; i < 5; i++) await client.LoginFromAsync(email, Wrong, address: $"2001:db8:1:2::{i + 1}");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.LoginFromAsync(email, address: "2001:db8:1:2::ffff")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "2001:db8:1:3::1")).StatusCode);
    }

    [Fact]
    public async Task FailureCountsSurviveARestart()
    {
        var databasePath = AccountTestHelpers.NewDatabasePath();
        var time = new FakeTimeProvider(MiniAuthApp.Epoch);
        var email = HttpHelpers.NewEmail();
        try
        {
            await using (var before = new MiniAuthApp(databasePath, time: time))
            {
                var client = before.NewClient();
                await client.NewAccountAsync(email);
                for (var i = 0; i < 5; i++) await client.PostLoginAsync(email, Wrong);
            }
            await using var after = new MiniAuthApp(databasePath, time: time);

            var response = await after.NewClient().PostLoginAsync(email);

            await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        }
        finally { AccountTestHelpers.DeleteDatabase(databasePath); }
    }

    [Fact]
    public async Task TheSweeperDeletesFailureCountsWhoseWindowHasPassed()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        for (var i = 0; i < 5; i++) await client.PostLoginAsync(email, Wrong);
        var db = app.Get<MiniAuth.Storage.LiteDb.LiteDbContext>();
        var sweeper = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SessionSweeper>().Single();

        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Equal(2, db.LoginFailures.Count());
        app.Time.Advance(TimeSpan.FromMinutes(15));
        await sweeper.SweepOnceAsync(CancellationToken.None);
        // The account-wide count keeps its hour.
        Assert.Equal(1, db.LoginFailures.Count());
        app.Time.Advance(TimeSpan.FromMinutes(45));
        await sweeper.SweepOnceAsync(CancellationToken.None);

        Assert.Equal(0, db.LoginFailures.Count());
    }

    [Fact]
    public async Task TheLimitsCanBeTurnedOff()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:RateLimiting:Enabled"] = "false" });
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        for (var i = 0; i < 70; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email, Wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);
    }

    [Fact]
    public async Task SignupAndLoginTogetherAreLimitedPerClientIpWithinAMinute()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "3" });
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Task<HttpResponseMessage> SignupFrom(string address, string who) =>
            client.SendAsync(AccountTestHelpers.Post("/auth/signup", new { email = who, password = HttpHelpers.Password }).From(address));

        Assert.Equal(HttpStatusCode.Created, (await SignupFrom("203.0.113.5", email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "203.0.113.5")).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.LoginFromAsync(email, Wrong, address: "203.0.113.5")).StatusCode);
        var limited = await SignupFrom("203.0.113.5", HttpHelpers.NewEmail());

        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(40), limited.Headers.RetryAfter?.Delta);
        Assert.Contains("this address", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.LoginFromAsync(email, address: "203.0.113.5")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "203.0.113.6")).StatusCode);
        // Other routes are not counted.
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json").From("203.0.113.5"))).StatusCode);

        app.Time.Advance(TimeSpan.FromSeconds(39));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.LoginFromAsync(email, address: "203.0.113.5")).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "203.0.113.5")).StatusCode);
    }

    [Fact]
    public void APerIpWindowReportsIdleOnceItHasPassedSoItsPartitionCanBeDropped()
    {
        var time = new FakeTimeProvider(MiniAuthApp.Epoch);
        using var limiter = new MiniAuth.Auth.Defences.ClockedWindowLimiter(2, TimeSpan.FromMinutes(1), time);

        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(limiter.IdleDuration);
        time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(TimeSpan.FromSeconds(30), limiter.IdleDuration);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.Null(limiter.IdleDuration);
    }

    [Fact]
    public async Task ForwardedForIsIgnoredWithoutATrustedProxy()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "1" });
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        var a = await client.LoginFromAsync(email, address: "192.0.2.50", forwardedFor: "203.0.113.1");
        var b = await client.LoginFromAsync(email, address: "192.0.2.50", forwardedFor: "203.0.113.2");

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, b.StatusCode);
        var session = Assert.Single(await client.ListSessionsAsync((await HttpHelpers.ReadLoginAsync(a)).AccessToken));
        Assert.Equal("192.0.2.50", session.GetProperty("ipAddress").GetString());
    }

    [Fact]
    public async Task ForwardedForNamesTheClientOnlyWhenItComesFromATrustedProxy()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "2",
            ["MiniAuth:ForwardedHeaders:KnownProxies:0"] = "192.0.2.50",
        });
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        var viaProxy = await client.LoginFromAsync(email, address: "192.0.2.50", forwardedFor: "203.0.113.1");
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "192.0.2.50", forwardedFor: "203.0.113.2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "192.0.2.50", forwardedFor: "203.0.113.3")).StatusCode);
        // A client that is not the proxy cannot pick its own address.
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "198.51.100.9", forwardedFor: "203.0.113.4")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginFromAsync(email, address: "198.51.100.9", forwardedFor: "203.0.113.5")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.LoginFromAsync(email, address: "198.51.100.9", forwardedFor: "203.0.113.6")).StatusCode);

        var sessions = await client.ListSessionsAsync((await HttpHelpers.ReadLoginAsync(viaProxy)).AccessToken);
        Assert.Equal("203.0.113.1", Assert.Single(sessions, s => s.GetProperty("current").GetBoolean()).GetProperty("ipAddress").GetString());
        Assert.Contains(sessions, s => s.GetProperty("ipAddress").GetString() == "198.51.100.9");
    }

    [Theory]
    [InlineData("MiniAuth:RateLimiting:MaxFailedLogins", "0")]
    [InlineData("MiniAuth:RateLimiting:Window", "00:00:00")]
    [InlineData("MiniAuth:RateLimiting:PerIpPermitsPerMinute", "0")]
    [InlineData("MiniAuth:ForwardedHeaders:KnownProxies:0", "not-an-ip")]
    [InlineData("MiniAuth:ForwardedHeaders:KnownNetworks:0", "10.0.0.0/99")]
    public async Task AnInvalidLimitOrProxySettingStopsTheStartNamingTheKey(string key, string value)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { [key] = value });

        var error = Assert.ThrowsAny<Exception>(() => app.NewClient());

        Assert.Contains(key.Split(":0")[0], error.ToString());
    }

    // Allowed to time: a ratio of two medians taken in the same run, interleaved. The hash is made
    // costly enough here that a login that skipped it would be several times faster.
    [Fact]
    public async Task LoginTakesAboutAsLongForAnUnknownEmailAsForAWrongPassword()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:PasswordHashing:MemoryKiB"] = "2048",
            ["MiniAuth:PasswordHashing:Iterations"] = "2",
            ["MiniAuth:RateLimiting:MaxFailedLogins"] = "1000",
            ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "1000",
        });
        var client = app.NewClient();
        var known = await client.NewAccountAsync();
        var unknown = HttpHelpers.NewEmail();
        for (var i = 0; i < 3; i++)
        {
            await client.PostLoginAsync(known, Wrong);
            await client.PostLoginAsync(unknown, Wrong);
        }

        var unknownTimes = new List<double>();
        var wrongTimes = new List<double>();
        // Which goes first in a pair is shuffled, so a periodic cost (a GC every other request)
        // cannot settle on one side.
        var order = new Random(20400101);
        for (var i = 0; i < 21; i++)
        {
            if (order.Next(2) == 0)
            {
                unknownTimes.Add(await TimeAsync(() => client.PostLoginAsync(unknown, Wrong)));
                wrongTimes.Add(await TimeAsync(() => client.PostLoginAsync(known, Wrong)));
            }
            else
            {
                wrongTimes.Add(await TimeAsync(() => client.PostLoginAsync(known, Wrong)));
                unknownTimes.Add(await TimeAsync(() => client.PostLoginAsync(unknown, Wrong)));
            }
        }

        var ratio = Median(unknownTimes) / Median(wrongTimes);
        output.WriteLine($"median unknown email {Median(unknownTimes):F2} ms, wrong password {Median(wrongTimes):F2} ms, ratio {ratio:F2}");
        Assert.InRange(ratio, 0.5, 2.0);
    }

    static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> login)
    {
        // Each Argon2 run allocates MemoryKiB: collect first so that no login pays for another's garbage.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var started = Stopwatch.GetTimestamp();
        var response = await login();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return elapsed;
    }

    static async Task<string> WithoutTraceIdAsync(HttpResponseMessage response)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
