using MiniAuth.Auth.Mail;

namespace MiniAuth.Tests;

// The recovery routes as a client calls them, and the token out of a captured mail.
internal static class RecoveryTestHelpers
{
    public const string NewPassword = "a brand new long passphrase";

    public static Task<HttpResponseMessage> RequestPasswordResetAsync(this HttpClient client, string email, string? address = null) =>
        client.SendAsync(AccountTestHelpers.Post("/auth/password/forgot", new { email }).From(address));

    public static Task<HttpResponseMessage> ResetPasswordAsync(this HttpClient client, string token, string newPassword = NewPassword) =>
        client.PostAsJsonAsync("/auth/password/reset", new { token, newPassword });

    public static Task<HttpResponseMessage> VerifyEmailAsync(this HttpClient client, string token) =>
        client.PostAsJsonAsync("/auth/email/verify", new { token });

    public static string Token(this OutgoingMail mail) => mail.Values["token"];

    // Asks for a reset and returns the token of the count-th reset mail to that address.
    public static async Task<string> ResetTokenAsync(this MiniAuthApp app, HttpClient client, string email, int count = 1)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await client.RequestPasswordResetAsync(email)).StatusCode);
        return (await app.Mail.WaitForAsync(email, MailTemplates.PasswordReset, count)).Token();
    }

    // A bad, used or expired token: 400 validation_failed with errors.token.
    public static async Task AssertTokenRefusedAsync(this HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("token", out _));
    }

    public static async Task<string?> EndReasonAsync(this HttpClient client, string accessToken)
    {
        var problem = await (await client.FetchProfileAsync(accessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", problem.GetProperty("code").GetString());
        return problem.GetProperty("reason").GetString();
    }
}
