using MiniAuth.Storage;
using static MiniAuth.Tests.AdminTestHelpers;
using static MiniAuth.Tests.MfaTestHelpers;

namespace MiniAuth.Tests;

// Multi-factor sign-in on every backend (as BackendSuiteTests): the second factors and their
// compare-and-swaps live in the user store, MFA tokens with the one-time tokens, amr on the session.
public class BackendSuiteMfaTests
{
    static readonly Dictionary<string, string?> Relaxed = new() { ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "1000" };

    [Theory, OnLiteDb, OnServers]
    public async Task EnrolSignInWithACodeAndARecoveryCodeEachOnce(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: Relaxed);
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);

        var code = app.CodeNow(totp.Secret);
        var withCode = await client.CompleteMfaAsync(await client.MfaTokenAsync(email), code);
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        var login = await HttpHelpers.ReadLoginAsync(withCode);
        Assert.Equal(["pwd", "otp", "mfa"], Amr(login.AccessToken));
        Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), code)).CodeAsync(HttpStatusCode.Unauthorized));

        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), recoveryCode: totp.RecoveryCodes[0])).StatusCode);
        Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(await client.MfaTokenAsync(email), recoveryCode: totp.RecoveryCodes[0]))
            .CodeAsync(HttpStatusCode.Unauthorized));
        Assert.Equal(9, (await app.Get<IMfaStore>().FindAsync(login.UserId(), CancellationToken.None))!.RecoveryCodeHashes.Count);

        // amr survives the session store (a Redis hash on the servers backend) and each restore.
        var restored = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        Assert.Equal(["pwd", "otp", "mfa"], Amr(restored.AccessToken));
        Assert.Contains(await client.ListSessionsAsync(restored.AccessToken), s => s.GetProperty("current").GetBoolean()
            && s.GetProperty("amr").EnumerateArray().Select(v => v.GetString()).SequenceEqual(["pwd", "otp", "mfa"]));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task OfTwoSubmissionsOfOneCodeAtOnceOnlyOneSignsIn(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: Relaxed);
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);
        var tokens = new[] { await client.MfaTokenAsync(email), await client.MfaTokenAsync(email), await client.MfaTokenAsync(email) };
        var code = app.CodeNow(totp.Secret);

        var answers = await Task.WhenAll(tokens.Select(token => Task.Run(() => client.CompleteMfaAsync(token, code))));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));

        var recovery = totp.RecoveryCodes[1];
        var more = new[] { await client.MfaTokenAsync(email), await client.MfaTokenAsync(email), await client.MfaTokenAsync(email) };
        var recoveries = await Task.WhenAll(more.Select(token => Task.Run(() => client.CompleteMfaAsync(token, recoveryCode: recovery))));
        Assert.Single(recoveries, a => a.StatusCode == HttpStatusCode.OK);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task AnMfaTokenExpiresAndDiesAfterFiveWrongCodes(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: Relaxed);
        var client = app.NewClient();
        var (email, _, totp) = await app.NewAccountWithTotpAsync(client);

        var expiring = await client.MfaTokenAsync(email);
        app.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync(expiring, app.CodeNow(totp.Secret))).CodeAsync(HttpStatusCode.Unauthorized));

        var token = await client.MfaTokenAsync(email);
        var wrong = app.CodeNow(totp.Secret) == "000000" ? "111111" : "000000";
        for (var attempt = 1; attempt <= 5; attempt++)
            Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(token, wrong)).CodeAsync(HttpStatusCode.Unauthorized));
        Assert.Equal("invalid_mfa_token", await (await client.CompleteMfaAsync(token, app.CodeNow(totp.Secret))).CodeAsync(HttpStatusCode.Unauthorized));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task AnAdminResetRemovesEverySecondFactorAndEndsTheSessions(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin(("MiniAuth:RateLimiting:PerIpPermitsPerMinute", "1000")));
        var client = app.NewClient();
        var (email, session, _) = await app.NewAccountWithTotpAsync(client);
        var admin = await client.LoginAdminAsync();
        var userId = session.UserId();

        var before = await (await client.SendAsync(HttpMethod.Get, $"/admin/users/{userId}", admin.AccessToken)).JsonAsync();
        Assert.Equal(["totp"], before.GetProperty("mfa").EnumerateArray().Select(m => m.GetString()));
        var listed = await (await client.SendAsync(HttpMethod.Get, "/admin/users", admin.AccessToken)).JsonAsync();
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetString() == userId
            && u.GetProperty("mfa").EnumerateArray().Select(m => m.GetString()).SequenceEqual(["totp"]));
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), u => u.GetProperty("email").GetString() == AdminEmail
            && u.GetProperty("mfa").GetArrayLength() == 0);
        var adminSessions = await client.ListSessionsAsync(admin.AccessToken, $"/admin/users/{userId}/sessions");
        Assert.All(adminSessions, s => Assert.True(s.TryGetProperty("amr", out _)));

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, $"/admin/users/{userId}/mfa", admin.AccessToken)).StatusCode);

        var ended = await (await client.FetchProfileAsync(session.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("forced_logout", ended.GetProperty("reason").GetString());
        Assert.Null(await app.Get<IMfaStore>().FindAsync(userId, CancellationToken.None));
        var after = await (await client.SendAsync(HttpMethod.Get, $"/admin/users/{userId}", admin.AccessToken)).JsonAsync();
        Assert.Empty(after.GetProperty("mfa").EnumerateArray());
        var again = await client.LoginAsync(email, delivery: "body");
        Assert.Equal(["pwd"], Amr(again.AccessToken));
        // The recovery codes went with it: nothing is left to complete a second step with.
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);

        // In the admin's trail, and in the user's own activity without the admin's id.
        var trail = await app.AuditItemsAsync(client, admin.AccessToken, $"/admin/audit?userId={userId}");
        var reset = Assert.Single(trail, e => e.Text("type") == "AdminResetMfa");
        Assert.Equal(admin.UserId(), reset.GetProperty("detail").GetProperty("adminId").GetString());
        Assert.True(reset.GetProperty("detail").GetProperty("hadTotp").GetBoolean());
        var own = await app.AuditItemsAsync(client, again.AccessToken, "/profile/activity");
        Assert.Contains(own, e => e.Text("type") == "TotpEnabled");
        var ownReset = Assert.Single(own, e => e.Text("type") == "AdminResetMfa");
        Assert.False(ownReset.GetProperty("detail").TryGetProperty("adminId", out _));
        Assert.DoesNotContain(own, e => e.Text("type") == "MfaFailed");
    }

    [Theory, OnLiteDb, OnServers]
    public async Task DeletingAUserRemovesItsSecondFactors(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: WithAdmin(("MiniAuth:RateLimiting:PerIpPermitsPerMinute", "1000")));
        var client = app.NewClient();
        var (_, session, _) = await app.NewAccountWithTotpAsync(client);
        var admin = await client.LoginAdminAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(HttpMethod.Delete, $"/admin/users/{session.UserId()}", admin.AccessToken)).StatusCode);
        Assert.Null(await app.Get<IMfaStore>().FindAsync(session.UserId(), CancellationToken.None));
    }
}
