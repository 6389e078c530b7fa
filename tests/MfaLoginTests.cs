using MiniAuth.Storage;
using static MiniAuth.Tests.MfaTestHelpers;

namespace MiniAuth.Tests;

// The second step of a login: mfa_required, then POST /auth/mfa with a code or a recovery code.
public class MfaLoginTests
{
    static Dictionary<string, string?> Relaxed(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "1000" };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task ARightPasswordIs403MfaRequiredWithATokenAndTheMethodsAndNoTokensOrCookie()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, _) = await app.NewAccountWithTotpAsync(client);

        var response = await client.PostLoginAsync(email);
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("mfa_required", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("mfaToken").GetString()!.Length >= 43);
        Assert.Equal(["totp", "recovery_code"], problem.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.False(problem.TryGetProperty("accessToken", out _));
        Assert.False(response.Headers.Contains("Set-Cookie"));
        // A wrong password still looks like any wrong password.
        Assert.Equal("invalid_credentials", await (await client.PostLoginAsync(email, "not the password")).CodeAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task ACodeCompletesTheLoginWithTheCookieAndDeviceCookieAsLoginWouldAndAmrSaysOtp()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);
        app.Time.Advance(TimeSpan.FromMinutes(2));

        var response = await client.CompleteMfaAsync(await client.MfaTokenAsync(email, delivery: null), app.CodeNow(totp.Secret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var login = await HttpHelpers.ReadLoginAsync(response);
        Assert.Null(login.RefreshToken);
        Assert.NotNull(login.Cookie);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-device=", StringComparison.Ordinal));
        Assert.Equal(["pwd", "otp", "mfa"], Amr(login.AccessToken));

        // The session keeps its amr: in the list, and in the access tokens of every restore.
        var sessions = await client.ListSessionsAsync(login.AccessToken);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal(["pwd", "otp", "mfa"], current.GetProperty("amr").EnumerateArray().Select(v => v.GetString()));
        var restored = await HttpHelpers.ReadLoginAsync(await client.RestoreWithCookieAsync(login.Refresh));
        Assert.Equal(["pwd", "otp", "mfa"], Amr(restored.AccessToken));
        app.Logs.AssertAudit("MfaSucceeded", ("Method", "totp"));
        app.Logs.AssertAudit("LoginSucceeded", ("UserId", login.UserId()));

        var admin = await app.Get<IUserStore>().FindByIdAsync(login.UserId(), CancellationToken.None);
        Assert.Equal(app.Time.GetUtcNow(), admin!.LastLoginAt);
    }

    [Fact]
    public async Task APasswordLoginSaysAmrPwdInTheTokenAndTheSessionList()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        Assert.Equal(["pwd"], Amr(login.AccessToken));
        Assert.Equal(["pwd"], Assert.Single(await client.ListSessionsAsync(login.AccessToken)).GetProperty("amr").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task TheLoginsRefreshTokenDeliveryIsKeptThroughTheSecondStep()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);

        var response = await client.CompleteMfaAsync(await client.MfaTokenAsync(email, delivery: "body"), app.CodeNow(totp.Secret));
        var login = await HttpHelpers.ReadLoginAsync(response);
        Assert.NotNull(login.RefreshToken);
        Assert.Null(login.Cookie);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.RefreshToken!)).StatusCode);
    }

    [Fact]
    public async Task ACodeIsAcceptedOnceEvenWithinItsStep()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);
        var code = app.CodeNow(totp.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), code)).StatusCode);

        app.Time.Advance(TimeSpan.FromSeconds(5));
        var replay = await (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), code)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_mfa_code", replay.GetProperty("code").GetString());
        Assert.Equal(4, replay.GetProperty("attemptsLeft").GetInt32());
        // Nor a code of the step before, once a later one was used.
        Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), app.CodeOfStep(totp.Secret, -1)))
            .CodeAsync(HttpStatusCode.Unauthorized));
        app.Logs.AssertAudit("MfaFailed", ("Method", "totp"), ("Attempt", "1"));
    }

    [Fact]
    public async Task OneStepOfDriftEitherWayIsAcceptedAndTwoStepsAreNot()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);
        app.Time.Advance(TimeSpan.FromMinutes(5));

        var token = await client.MfaTokenAsync(email);
        Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(token, app.CodeOfStep(totp.Secret, -2))).CodeAsync(HttpStatusCode.Unauthorized));
        Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(token, app.CodeOfStep(totp.Secret, 2))).CodeAsync(HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(token, app.CodeOfStep(totp.Secret, -1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), app.CodeOfStep(totp.Secret, 1))).StatusCode);
    }

    [Fact]
    public async Task ACodeLivesToTheLastTickOfTheNextStepAndNotATickLonger()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);
        // The epoch starts a step; EnrolTotpAsync moved one step on. Step N starts here.
        app.Time.Advance(TimeSpan.FromSeconds(60));
        var stepN = app.CodeNow(totp.Secret);
        var stepN1 = app.CodeOfStep(totp.Secret, 1);

        // The last tick of step N+1: the code of N is one step behind.
        app.Time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromTicks(1));
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), stepN)).StatusCode);
        // The first tick of step N+3: the code of N+1 is two steps behind.
        app.Time.Advance(TimeSpan.FromSeconds(30) + TimeSpan.FromTicks(1));
        Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), stepN1)).CodeAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task ARecoveryCodeSignsInOnceInAnySpellingAndAmrSaysOtp()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, session, totp) = await app.NewAccountWithTotpAsync(client);
        var code = totp.RecoveryCodes[3];

        var response = await client.CompleteMfaAsync(await client.MfaTokenAsync(email), recoveryCode: " " + code.ToUpperInvariant().Replace("-", " ") + " ");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["pwd", "otp", "mfa"], Amr((await HttpHelpers.ReadLoginAsync(response)).AccessToken));
        app.Logs.AssertAudit("RecoveryCodeUsed", ("UserId", session.UserId()), ("RemainingCodes", "9"));

        Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), recoveryCode: code))
            .CodeAsync(HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), recoveryCode: totp.RecoveryCodes[4])).StatusCode);
    }

    [Fact]
    public async Task AnMfaTokenIsSingleUseAndLivesFiveMinutesToTheSecond()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);

        var used = await client.MfaTokenAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(used, recoveryCode: totp.RecoveryCodes[0])).StatusCode);
        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync(used, recoveryCode: totp.RecoveryCodes[1])).CodeAsync(HttpStatusCode.Unauthorized));

        var lasting = await client.MfaTokenAsync(email);
        var expiring = await client.MfaTokenAsync(email);
        app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(lasting, app.CodeNow(totp.Secret))).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync(expiring, recoveryCode: totp.RecoveryCodes[1])).CodeAsync(HttpStatusCode.Unauthorized));
        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync("garbage", "123456")).CodeAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task FiveWrongCodesKillTheTokenAndTheyCountTowardTheLoginThrottle()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);
        var token = await client.MfaTokenAsync(email);
        var wrong = app.CodeNow(totp.Secret) == "000000" ? "111111" : "000000";

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var problem = await (await client.CompleteMfaAsync(token, wrong)).AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("invalid_mfa_code", problem.GetProperty("code").GetString());
            Assert.Equal(5 - attempt, problem.GetProperty("attemptsLeft").GetInt32());
        }
        // Dead, even with the right code.
        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync(token, app.CodeNow(totp.Secret))).CodeAsync(HttpStatusCode.Unauthorized));
        app.Logs.AssertAudit("MfaTokenExhausted");
        // The five wrong codes spent this client's login budget: the right password waits too.
        var throttled = await (await client.PostLoginAsync(email)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("too_many_requests", throttled.GetProperty("code").GetString());
        // Another client is not held back by them.
        Assert.Equal("mfa_required", await (await client.LoginFromAsync(email, address: "203.0.113.9")).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task ARightCodeAfterWrongOnesSignsInAndClearsTheCount()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);
        var token = await client.MfaTokenAsync(email);
        var wrong = app.CodeNow(totp.Secret) == "000000" ? "111111" : "000000";
        for (var attempt = 1; attempt <= 4; attempt++) await client.CompleteMfaAsync(token, wrong);

        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(token, app.CodeNow(totp.Secret))).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(30));
        for (var login = 0; login < 5; login++)
            Assert.Equal("mfa_required", await (await client.PostLoginAsync(email)).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task AnMfaTokenWorksOnlyFromTheClientThatLoggedIn()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);
        var token = await client.MfaTokenAsync(email, address: "198.51.100.7");

        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync(token, app.CodeNow(totp.Secret), address: "203.0.113.9"))
            .CodeAsync(HttpStatusCode.Unauthorized));
        // Spent by the foreign try: its thief cannot keep trying, nor can the owner.
        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync(token, app.CodeNow(totp.Secret), address: "198.51.100.7"))
            .CodeAsync(HttpStatusCode.Unauthorized));
        var fresh = await client.MfaTokenAsync(email, address: "198.51.100.7");
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(fresh, app.CodeNow(totp.Secret), address: "198.51.100.7")).StatusCode);
    }

    [Fact]
    public async Task APasswordChangeAfterThePasswordStepEndsItsMfaToken()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, session, totp) = await app.NewAccountWithTotpAsync(client);
        var token = await client.MfaTokenAsync(email);

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Post, "/profile/password", session.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword = "a brand new passphrase" })).StatusCode);
        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync(token, app.CodeNow(totp.Secret))).CodeAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task ADisabledAccountCannotCompleteItsSecondStep()
    {
        await using var app = new MiniAuthApp(settings: AdminTestHelpers.WithAdmin(("MiniAuth:RateLimiting:PerIpPermitsPerMinute", "1000")));
        var client = app.NewClient();
        var (email, session, totp) = await app.NewAccountWithTotpAsync(client);
        var token = await client.MfaTokenAsync(email);
        var admin = await client.LoginAdminAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PatchUserAsync(admin.AccessToken, session.UserId(), new { disabled = true })).StatusCode);

        Assert.Equal("account_disabled", await (await client.CompleteMfaAsync(token, app.CodeNow(totp.Secret))).CodeAsync(HttpStatusCode.Forbidden));
    }

    [Theory]
    [InlineData("{\"code\":\"123456\"}")]
    [InlineData("{\"mfaToken\":\"x\"}")]
    [InlineData("{\"mfaToken\":\"x\",\"code\":\"123456\",\"recoveryCode\":\"abcde-fghjk\"}")]
    [InlineData("{\"mfaToken\":5,\"code\":\"123456\"}")]
    public async Task ABadCompleteMfaBodyIs400(string body)
    {
        await using var app = new MiniAuthApp();
        var response = await app.NewClient().PostAsync("/auth/mfa", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
