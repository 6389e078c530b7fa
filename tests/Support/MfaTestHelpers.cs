using OtpNet;

namespace MiniAuth.Tests;

// TOTP as an authenticator app does it: the secret from startTotp, the code computed here from
// the app's fake clock.
public sealed record TotpEnrolment(byte[] Secret, string SecretText, string OtpauthUri, string[] RecoveryCodes);

internal static class MfaTestHelpers
{
    public static string CodeAt(byte[] secret, DateTimeOffset at) => new Totp(secret).ComputeTotp(at.UtcDateTime);

    public static string CodeNow(this MiniAuthApp app, byte[] secret) => CodeAt(secret, app.Time.GetUtcNow());

    // The code of the step `steps` away from the current one.
    public static string CodeOfStep(this MiniAuthApp app, byte[] secret, int steps) =>
        CodeAt(secret, app.Time.GetUtcNow() + TimeSpan.FromSeconds(30 * steps));

    public static Task<HttpResponseMessage> StartTotpAsync(this HttpClient client, string accessToken, string password = HttpHelpers.Password) =>
        client.SendAsync(HttpMethod.Post, "/profile/mfa/totp", accessToken, new { currentPassword = password });

    public static Task<HttpResponseMessage> ConfirmTotpAsync(this HttpClient client, string accessToken, string code) =>
        client.SendAsync(HttpMethod.Post, "/profile/mfa/totp/confirm", accessToken, new { code });

    public static Task<HttpResponseMessage> RemoveTotpAsync(this HttpClient client, string accessToken, string password = HttpHelpers.Password) =>
        client.SendAsync(HttpMethod.Delete, "/profile/mfa/totp", accessToken, new { currentPassword = password });

    // Start and confirm; then the clock moves on a step, as a user would be a while later, so the
    // confirming code's step is behind.
    public static async Task<TotpEnrolment> EnrolTotpAsync(this MiniAuthApp app, HttpClient client, string accessToken)
    {
        var started = await client.StartTotpAsync(accessToken);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var body = await started.JsonAsync();
        var secretText = body.GetProperty("secret").GetString()!;
        var secret = Base32Encoding.ToBytes(secretText);
        var confirmed = await client.ConfirmTotpAsync(accessToken, app.CodeNow(secret));
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var codes = (await confirmed.JsonAsync()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        app.Time.Advance(TimeSpan.FromSeconds(30));
        return new TotpEnrolment(secret, secretText, body.GetProperty("otpauthUri").GetString()!, codes);
    }

    // A new account with TOTP on: its email, the session that enrolled, the enrolment.
    public static async Task<(string Email, Login Session, TotpEnrolment Totp)> NewAccountWithTotpAsync(this MiniAuthApp app, HttpClient client)
    {
        var email = await client.NewAccountAsync();
        var session = await client.LoginAsync(email, delivery: "body");
        return (email, session, await app.EnrolTotpAsync(client, session.AccessToken));
    }

    // The password step of an account with TOTP: its MFA token.
    public static async Task<string> MfaTokenAsync(this HttpClient client, string email, string? delivery = "body", string? address = null)
    {
        var request = AccountTestHelpers.Post("/auth/login", delivery is null
            ? new { email, password = HttpHelpers.Password }
            : (object)new { email, password = HttpHelpers.Password, refreshTokenDelivery = delivery }).From(address);
        var problem = await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("mfa_required", problem.GetProperty("code").GetString());
        return problem.GetProperty("mfaToken").GetString()!;
    }

    public static Task<HttpResponseMessage> CompleteMfaAsync(this HttpClient client, string mfaToken, string? code = null,
        string? recoveryCode = null, string? address = null) =>
        client.SendAsync(AccountTestHelpers.Post("/auth/mfa", new { mfaToken, code, recoveryCode }).From(address));

    public static string[] Amr(string accessToken) =>
        HttpHelpers.Claims(accessToken).GetProperty("amr").EnumerateArray().Select(v => v.GetString()!).ToArray();
}
