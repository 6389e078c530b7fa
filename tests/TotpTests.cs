using MiniAuth.Storage;
using OtpNet;

namespace MiniAuth.Tests;

// Enrolling, confirming and removing TOTP on the profile; the codes come from the secret and the
// fake clock, as an authenticator app computes them.
public class TotpTests
{
    static Dictionary<string, string?> Relaxed(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "1000" };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task StartTotpReturnsASecretAnOtpauthUriAndAQrCodeAndLeavesTotpOffUntilConfirmed()
    {
        await using var app = new MiniAuthApp(settings: Relaxed(("MiniAuth:PublicUrl", "https://auth.example.com")));
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var session = await client.LoginAsync(email, delivery: "body");

        var started = await client.StartTotpAsync(session.AccessToken);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.Equal("no-store", started.Headers.CacheControl?.ToString());
        var body = await started.JsonAsync();
        var secret = body.GetProperty("secret").GetString()!;
        Assert.Equal(20, Base32Encoding.ToBytes(secret).Length);
        var uri = new Uri(body.GetProperty("otpauthUri").GetString()!);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal("totp", uri.Host);
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        Assert.Equal(secret, query["secret"]);
        Assert.Equal("auth.example.com", query["issuer"]);
        Assert.Equal("SHA1", query["algorithm"]);
        Assert.Equal("6", query["digits"]);
        Assert.Equal("30", query["period"]);
        Assert.Contains(Uri.EscapeDataString(email), uri.AbsolutePath, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<svg", body.GetProperty("qrCodeSvg").GetString(), StringComparison.Ordinal);

        // Not on yet: the password alone still signs in.
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);
    }

    [Fact]
    public async Task ConfirmWithTheFirstRightCodeTurnsTotpOnAndReturnsTenDistinctRecoveryCodesOnce()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var session = await client.LoginAsync(email, delivery: "body");
        var secret = Base32Encoding.ToBytes((await (await client.StartTotpAsync(session.AccessToken)).JsonAsync()).GetProperty("secret").GetString()!);

        var wrong = await (await client.ConfirmTotpAsync(session.AccessToken, "000000" == app.CodeNow(secret) ? "111111" : "000000"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(wrong.GetProperty("errors").TryGetProperty("code", out _));
        await (await client.ConfirmTotpAsync(session.AccessToken, "12345")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await client.ConfirmTotpAsync(session.AccessToken, "abcdef")).AssertProblemAsync(HttpStatusCode.BadRequest);

        var confirmed = await client.ConfirmTotpAsync(session.AccessToken, app.CodeNow(secret));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var codes = (await confirmed.JsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(10, codes.Length);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches("^[a-z2-9]{5}-[a-z2-9]{5}$", code));

        // Confirmed once: a second confirm and a second start are refused, and the codes are only hashes in the store.
        Assert.Equal("totp_already_enabled", await (await client.ConfirmTotpAsync(session.AccessToken, app.CodeNow(secret))).CodeAsync(HttpStatusCode.Conflict));
        Assert.Equal("totp_already_enabled", await (await client.StartTotpAsync(session.AccessToken)).CodeAsync(HttpStatusCode.Conflict));
        var stored = await app.Get<IMfaStore>().FindAsync(session.UserId(), CancellationToken.None);
        Assert.Equal(10, stored!.RecoveryCodeHashes.Count);
        Assert.DoesNotContain(stored.RecoveryCodeHashes, hash => codes.Any(code => hash.Contains(code.Replace("-", ""), StringComparison.Ordinal)));
        app.Logs.AssertAudit("TotpEnabled", ("UserId", session.UserId()));

        // Now the password alone is not enough, and the code that confirmed is used up.
        var mfaToken = await client.MfaTokenAsync(email);
        Assert.Equal("invalid_mfa_code", await (await client.CompleteMfaAsync(mfaToken, app.CodeNow(secret))).CodeAsync(HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task ConfirmWithoutAStartIs409AndStartNeedsTheRightCurrentPassword()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var session = await client.SignUpAndLoginAsync(delivery: "body");

        Assert.Equal("totp_not_started", await (await client.ConfirmTotpAsync(session.AccessToken, "123456")).CodeAsync(HttpStatusCode.Conflict));
        var wrong = await (await client.StartTotpAsync(session.AccessToken, "not the password")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(wrong.GetProperty("errors").TryGetProperty("currentPassword", out _));
        await (await client.SendAsync(HttpMethod.Post, "/profile/mfa/totp", session.AccessToken, new { }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/profile/mfa/totp", new { currentPassword = HttpHelpers.Password })).StatusCode);
        app.Logs.AssertAudit("CurrentPasswordRefused", ("Operation", "startTotp"));
    }

    [Fact]
    public async Task ARestartedEnrolmentReplacesTheSecretThatWasNotConfirmed()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var session = await client.SignUpAndLoginAsync(delivery: "body");
        var first = Base32Encoding.ToBytes((await (await client.StartTotpAsync(session.AccessToken)).JsonAsync()).GetProperty("secret").GetString()!);
        var second = Base32Encoding.ToBytes((await (await client.StartTotpAsync(session.AccessToken)).JsonAsync()).GetProperty("secret").GetString()!);

        Assert.NotEqual(first, second);
        await (await client.ConfirmTotpAsync(session.AccessToken, app.CodeNow(first))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await client.ConfirmTotpAsync(session.AccessToken, app.CodeNow(second))).StatusCode);
    }

    [Fact]
    public async Task TheSecretIsStoredEncryptedWithTheSigningKeysKeyAndNeverLogged()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var app = new MiniAuthApp(settings: Relaxed(("MiniAuth:SigningKeys:EncryptionKey", key)));
        var client = app.NewClient();
        var (email, session, totp) = await app.NewAccountWithTotpAsync(client);

        var stored = (await app.Get<IMfaStore>().FindAsync(session.UserId(), CancellationToken.None))!.TotpSecret!;
        Assert.Equal("MAT1"u8.ToArray(), stored[..4]);
        Assert.DoesNotContain(Convert.ToHexString(totp.Secret), Convert.ToHexString(stored), StringComparison.Ordinal);
        // It still works, and nothing logged holds the secret, a code or a recovery code.
        var mfaToken = await client.MfaTokenAsync(email);
        var code = app.CodeNow(totp.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.CompleteMfaAsync(mfaToken, code)).StatusCode);
        Assert.DoesNotContain(app.Logs.All, line => line.Contains(totp.SecretText, StringComparison.OrdinalIgnoreCase)
            || line.Contains(mfaToken, StringComparison.Ordinal) || totp.RecoveryCodes.Any(c => line.Contains(c, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WithoutAnEncryptionKeyTheSecretIsStoredPlainAndMarkedSo()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (_, session, totp) = await app.NewAccountWithTotpAsync(client);

        var stored = (await app.Get<IMfaStore>().FindAsync(session.UserId(), CancellationToken.None))!.TotpSecret!;
        Assert.Equal([.. "MAP1"u8.ToArray(), .. totp.Secret], stored);
    }

    [Fact]
    public async Task RemoveTotpNeedsTheCurrentPasswordAndEndsTheOtherSessionsButNotThisOne()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (email, session, totp) = await app.NewAccountWithTotpAsync(client);
        var other = await HttpHelpers.ReadLoginAsync(await client.CompleteMfaAsync(await client.MfaTokenAsync(email), app.CodeNow(totp.Secret)));

        var wrong = await (await client.RemoveTotpAsync(session.AccessToken, "not the password")).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(wrong.GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Equal(HttpStatusCode.NoContent, (await client.RemoveTotpAsync(session.AccessToken)).StatusCode);

        var ended = await (await client.FetchProfileAsync(other.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("revoked", ended.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(session.AccessToken)).StatusCode);
        Assert.Null(await app.Get<IMfaStore>().FindAsync(session.UserId(), CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);
        Assert.Equal("totp_not_enabled", await (await client.RemoveTotpAsync(session.AccessToken)).CodeAsync(HttpStatusCode.Conflict));
        app.Logs.AssertAudit("TotpRemoved", ("UserId", session.UserId()), ("EndedSessions", "1"));
    }

    [Fact]
    public async Task DeletingTheAccountRemovesItsMfaState()
    {
        await using var app = new MiniAuthApp(settings: Relaxed());
        var client = app.NewClient();
        var (_, session, _) = await app.NewAccountWithTotpAsync(client);

        Assert.Equal(HttpStatusCode.NoContent,
            (await client.SendAsync(HttpMethod.Delete, "/profile", session.AccessToken, new { currentPassword = HttpHelpers.Password })).StatusCode);
        Assert.Null(await app.Get<IMfaStore>().FindAsync(session.UserId(), CancellationToken.None));
    }
}
