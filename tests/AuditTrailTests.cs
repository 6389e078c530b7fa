namespace MiniAuth.Tests;

public class AuditTrailTests
{
    [Fact]
    public async Task SecurityEventsAreLoggedWithUserSessionAndClientIpButNeverASecret()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:Admin:Email"] = "root@example.test",
            ["MiniAuth:Admin:Password"] = "root passphrase for tests",
        });
        var client = app.NewClient();
        var events = app.Logs;
        const string ip = "203.0.113.77";
        const string newPassword = "another long passphrase";
        var email = HttpHelpers.NewEmail();

        await client.SendAsync(AccountTestHelpers.Post("/auth/signup", new { email, password = HttpHelpers.Password }).From(ip));
        await client.LoginFromAsync(email, "wrong password here", address: ip);
        await client.LoginFromAsync(HttpHelpers.NewEmail(), "wrong password here", address: ip);
        var login = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: ip));
        var refreshRequest = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken").From(ip);
        refreshRequest.Headers.Add("Cookie", $"{HttpHelpers.RefreshCookieName}={login.Refresh}");
        var rotated = await HttpHelpers.ReadLoginAsync(await client.SendAsync(refreshRequest));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var reuse = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken").From(ip);
        reuse.Headers.Add("Cookie", $"{HttpHelpers.RefreshCookieName}={login.Refresh}");
        await client.SendAsync(reuse);
        var second = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: ip));
        await client.SendAsync(HttpMethod.Post, "/profile/password", second.AccessToken, new { currentPassword = "wrong password here", newPassword }, ip);
        await client.SendAsync(HttpMethod.Post, "/profile/password", second.AccessToken, new { currentPassword = HttpHelpers.Password, newPassword }, ip);
        await client.SendAsync(HttpMethod.Delete, $"/sessions/{second.SessionId()}", second.AccessToken, address: ip);
        var third = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, newPassword, address: ip));
        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout").WithBearer(third.AccessToken).From(ip);
        await client.SendAsync(logout);
        var fourth = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, newPassword, address: ip));
        await client.SendAsync(HttpMethod.Delete, "/sessions", fourth.AccessToken, address: ip);
        var admin = await client.LoginAsync("root@example.test", "root passphrase for tests");
        await client.SendAsync(HttpMethod.Delete, $"/admin/users/{login.UserId()}/sessions", admin.AccessToken, address: ip);

        var userId = login.UserId();
        events.AssertAudit("SignedUp", ("UserId", userId), ("ClientIp", ip));
        events.AssertAudit("LoginFailed", ("UserId", userId), ("ClientIp", ip));
        events.AssertAudit("LoginFailed", ("UserId", null), ("ClientIp", ip));
        events.AssertAudit("LoginSucceeded", ("UserId", userId), ("SessionId", login.SessionId()), ("ClientIp", ip));
        events.AssertAudit("TokenRefreshed", ("UserId", userId), ("SessionId", login.SessionId()), ("ClientIp", ip));
        events.AssertAudit("RefreshReuseDetected", ("UserId", userId), ("SessionId", login.SessionId()), ("ClientIp", ip));
        events.AssertAudit("PasswordChangeFailed", ("UserId", userId), ("SessionId", second.SessionId()), ("ClientIp", ip));
        events.AssertAudit("PasswordChanged", ("UserId", userId), ("SessionId", second.SessionId()), ("ClientIp", ip));
        events.AssertAudit("SessionRevoked", ("UserId", userId), ("RevokedSessionId", second.SessionId()), ("ClientIp", ip));
        events.AssertAudit("LoggedOut", ("UserId", userId), ("SessionId", third.SessionId()), ("ClientIp", ip));
        events.AssertAudit("AllSessionsRevoked", ("UserId", userId), ("SessionId", fourth.SessionId()), ("ClientIp", ip));
        events.AssertAudit("AdminForcedLogout", ("AdminId", admin.UserId()), ("UserId", userId), ("ClientIp", ip));

        string[] secrets = [HttpHelpers.Password, newPassword, "wrong password here", "root passphrase for tests",
            login.AccessToken, login.Refresh, rotated.AccessToken, rotated.Refresh, second.AccessToken, third.AccessToken, fourth.Refresh, "$argon2", email];
        foreach (var logged in events.All)
            foreach (var secret in secrets)
                Assert.DoesNotContain(secret, logged, StringComparison.OrdinalIgnoreCase);
    }
}
