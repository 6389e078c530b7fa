using Microsoft.Extensions.Time.Testing;
using Microsoft.Net.Http.Headers;

namespace MiniAuth.Tests;

// Guessing one account's password from many addresses: beyond RateLimiting:AccountFailuresPerHour
// attempts from all clients together, every client gets 429 except a browser that signed in to
// that account before (its __Host-device cookie).
public class AccountWideLimitTests
{
    const string Wrong = "not the right password";
    const string DeviceCookieName = "__Host-device";
    static readonly string[] Attackers = ["203.0.113.1", "203.0.113.2", "203.0.113.3"];

    static readonly Dictionary<string, string?> Limits = new()
    {
        ["MiniAuth:RateLimiting:MaxFailedLogins"] = "5",
        ["MiniAuth:RateLimiting:AccountFailuresPerHour"] = "6",
    };

    static MiniAuthApp NewApp(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(Limits);
        foreach (var (key, value) in more ?? new Dictionary<string, string?>()) settings[key] = value;
        return new MiniAuthApp(settings: settings);
    }

    static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password, string address,
        string? deviceCookie = null, string? delivery = null)
    {
        var request = AccountTestHelpers.Post("/auth/login", delivery is null
            ? new { email, password }
            : (object)new { email, password, refreshTokenDelivery = delivery }).From(address);
        if (deviceCookie is not null) request.Headers.Add("Cookie", $"{DeviceCookieName}={deviceCookie}");
        return client.SendAsync(request);
    }

    // Two wrong passwords from each of three addresses: under every per-client limit, at the
    // account-wide one.
    static async Task SpendTheAccountBudgetAsync(HttpClient client, string email, int alreadyCounted = 0)
    {
        for (var i = alreadyCounted; i < 6; i++)
            await (await LoginAsync(client, email, Wrong, Attackers[i % 3])).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    static SetCookieHeaderValue DeviceCookie(HttpResponseMessage response) =>
        HttpHelpers.RefreshCookie(response, DeviceCookieName) ?? throw new Xunit.Sdk.XunitException("No __Host-device cookie was set.");

    static string UserId(string accessToken) => HttpHelpers.Claims(accessToken).GetProperty("sub").GetString()!;

    static async Task<string> WithoutTraceIdAsync(HttpResponseMessage response)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }

    [Theory, OnLiteDb, OnServers]
    public async Task GuessesFromThreeAddressesLockTheAccountForAFourthAddressEvenWithTheRightPassword(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        var time = new FakeTimeProvider(MiniAuthApp.Epoch);
        await using var a = store.NewApp(time, Limits);
        // On the servers, two instances: the budget is the account's, not an instance's. A LiteDB
        // file belongs to one process.
        await using var b = backend == Backend.Servers ? store.NewApp(time, Limits) : null;
        var (clientA, clientB) = (a.NewClient(), (b ?? a).NewClient());
        var email = await clientA.NewAccountAsync();

        for (var i = 0; i < 6; i++)
            await (await LoginAsync(i % 2 == 0 ? clientA : clientB, email, Wrong, Attackers[i % 3]))
                .AssertProblemAsync(HttpStatusCode.Unauthorized);
        time.Advance(TimeSpan.FromMinutes(10));
        var fourth = await LoginAsync(clientB, email, HttpHelpers.Password, "198.51.100.4");

        var problem = await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromMinutes(50), fourth.Headers.RetryAfter?.Delta);
        Assert.Equal(3000, problem.GetProperty("retryAfter").GetInt32());
        Assert.Null(HttpHelpers.RefreshCookie(fourth));
        Assert.Null(HttpHelpers.RefreshCookie(fourth, DeviceCookieName));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(clientA, email, HttpHelpers.Password, Attackers[0])).StatusCode);
    }

    [Fact]
    public async Task AnUnknownEmailIsLockedAfterTheSameCountWithTheSameAnswer()
    {
        await using var app = NewApp();
        var client = app.NewClient();
        var known = await client.NewAccountAsync();
        var unknown = HttpHelpers.NewEmail();

        for (var i = 0; i < 8; i++)
        {
            var address = Attackers[i % 3];
            var forKnown = await LoginAsync(client, known, Wrong, address);
            var forUnknown = await LoginAsync(client, unknown, Wrong, address);
            Assert.Equal(i < 6 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, forKnown.StatusCode);
            Assert.Equal(forKnown.StatusCode, forUnknown.StatusCode);
            Assert.Equal(forKnown.Headers.RetryAfter?.Delta, forUnknown.Headers.RetryAfter?.Delta);
            Assert.Equal(await WithoutTraceIdAsync(forKnown), await WithoutTraceIdAsync(forUnknown));
        }
    }

    [Fact]
    public async Task TheOwnersBrowserWithItsDeviceCookieLogsInDuringTheLockout()
    {
        await using var app = NewApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        // Body delivery (a native client) gets the device cookie too.
        var earlier = await LoginAsync(client, email, HttpHelpers.Password, "192.0.2.10", delivery: "body");
        Assert.Equal(HttpStatusCode.OK, earlier.StatusCode);
        var device = DeviceCookie(earlier);
        Assert.True(device.HttpOnly);
        Assert.True(device.Secure);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, device.SameSite);
        Assert.Equal("/", device.Path.Value);
        Assert.Null(device.Domain.Value);
        Assert.Equal(app.RefreshTokenLifetime, device.MaxAge);
        Assert.Equal("device+jwt", HttpHelpers.Header(device.Value.Value!).GetProperty("typ").GetString());

        await SpendTheAccountBudgetAsync(client, email, alreadyCounted: 1);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(client, email, HttpHelpers.Password, "198.51.100.4")).StatusCode);
        // From the owner's usual address and from a new one (a phone on another network).
        var atHome = await LoginAsync(client, email, HttpHelpers.Password, "192.0.2.10", device.Value.Value);
        var away = await LoginAsync(client, email, HttpHelpers.Password, "198.51.100.77", device.Value.Value);

        Assert.Equal(HttpStatusCode.OK, atHome.StatusCode);
        Assert.Equal(HttpStatusCode.OK, away.StatusCode);
        Assert.NotNull(HttpHelpers.RefreshCookie(atHome));
        // Renewed at each login, for the full lifetime again.
        Assert.NotEqual(device.Value.Value, DeviceCookie(atHome).Value.Value);
        Assert.Equal(app.RefreshTokenLifetime, DeviceCookie(atHome).MaxAge);
        // The device is judged by the per-client rule: a wrong password is a plain 401.
        await (await LoginAsync(client, email, Wrong, "198.51.100.77", device.Value.Value)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // The owner's successes did not hand the strangers a fresh budget.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(client, email, HttpHelpers.Password, "198.51.100.5")).StatusCode);
    }

    [Fact]
    public async Task ADeviceCookieForAnotherAccountATamperedOneOrATokenInItsPlaceDoesNotExempt()
    {
        await using var app = NewApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var otherEmail = await client.NewAccountAsync();
        var owner = await LoginAsync(client, email, HttpHelpers.Password, "192.0.2.10", delivery: "body");
        var ownerLogin = await HttpHelpers.ReadLoginAsync(owner);
        var ownDevice = DeviceCookie(owner).Value.Value!;
        var otherDevice = DeviceCookie(await LoginAsync(client, otherEmail, HttpHelpers.Password, "192.0.2.11")).Value.Value!;
        // The other account's signed proof with this account's user id put in its payload.
        var parts = otherDevice.Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!;
        payload["sub"] = UserId(ownerLogin.AccessToken);
        var resigned = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
        var signature = ownDevice.Split('.')[2].ToCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        var badSignature = string.Join('.', ownDevice.Split('.')[..2]) + "." + new string(signature);
        string[] impostors = [otherDevice, resigned, badSignature, ownerLogin.AccessToken, ownerLogin.Refresh, "garbage"];

        await SpendTheAccountBudgetAsync(client, email, alreadyCounted: 1);

        for (var i = 0; i < impostors.Length; i++)
        {
            var response = await LoginAsync(client, email, HttpHelpers.Password, $"198.51.100.{i + 1}", impostors[i]);
            Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"impostor {i} got {response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, email, HttpHelpers.Password, "198.51.100.99", ownDevice)).StatusCode);
    }

    [Fact]
    public async Task ADeviceTokenIsNeitherAnAccessTokenNorARefreshToken()
    {
        await using var app = NewApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var device = DeviceCookie(await LoginAsync(client, email, HttpHelpers.Password, "192.0.2.10")).Value.Value!;

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(device)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync(device)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithCookieAsync(device)).StatusCode);
        Assert.Equal(app.TokenOptions.Audience + ":device", HttpHelpers.Claims(device).GetProperty("aud").GetString());
    }

    [Fact]
    public async Task TheLockoutLiftsForEverybodyTheSecondTheHourPasses()
    {
        await using var app = NewApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        await SpendTheAccountBudgetAsync(client, email);

        app.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        var almost = await LoginAsync(client, email, HttpHelpers.Password, "198.51.100.4");
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var stranger = await LoginAsync(client, email, HttpHelpers.Password, "198.51.100.4");
        var attacker = await LoginAsync(client, email, HttpHelpers.Password, Attackers[0]);

        await almost.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(1), almost.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.OK, attacker.StatusCode);
    }

    [Fact]
    public async Task TheAccountWideRefusalIsAuditedWithoutTheEmail()
    {
        await using var app = NewApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var userId = UserId((await client.LoginAsync(email)).AccessToken);
        var unknown = HttpHelpers.NewEmail();
        await SpendTheAccountBudgetAsync(client, email, alreadyCounted: 1);
        await SpendTheAccountBudgetAsync(client, unknown);
        app.Time.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(client, email, HttpHelpers.Password, "198.51.100.4")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(client, unknown, Wrong, "198.51.100.5")).StatusCode);

        app.Logs.AssertAudit("LoginThrottledAccountWide", ("UserId", userId), ("ClientIp", "198.51.100.4"), ("RetryAfterSeconds", "2400"));
        app.Logs.AssertAudit("LoginThrottledAccountWide", ("UserId", null), ("ClientIp", "198.51.100.5"), ("RetryAfterSeconds", "2400"));
        Assert.DoesNotContain(app.Logs.All, line => line.Contains(email) || line.Contains(unknown));
    }

    [Fact]
    public async Task AnAccountLimitOfZeroStopsTheStartNamingTheKey()
    {
        await using var app = NewApp(new Dictionary<string, string?> { ["MiniAuth:RateLimiting:AccountFailuresPerHour"] = "0" });

        var error = Assert.ThrowsAny<Exception>(() => app.NewClient());

        Assert.Contains("MiniAuth:RateLimiting:AccountFailuresPerHour", error.ToString());
    }

    [Fact]
    public async Task OneClientsRefusedAttemptsDoNotLockTheAccountForEverybody()
    {
        await using var app = NewApp(new Dictionary<string, string?> { ["MiniAuth:RateLimiting:AccountFailuresPerHour"] = "20" });
        var client = app.NewClient();
        var email = await client.NewAccountAsync();

        // Five guesses, then twenty refusals from one address: only the guesses count account-wide.
        for (var i = 0; i < 25; i++) await LoginAsync(client, email, Wrong, Attackers[0]);

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, email, HttpHelpers.Password, "198.51.100.7")).StatusCode);
    }
}
