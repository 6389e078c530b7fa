using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

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
        var events = new CapturedEvents();
        app.Get<ILoggerFactory>().AddProvider(events);
        const string ip = "203.0.113.77";
        const string newPassword = "another long passphrase";
        var email = HttpHelpers.NewEmail();

        await client.SendAsync(AccountTestHelpers.Post("/auth/signup", new { email, password = HttpHelpers.Password }).From(ip));
        await client.LoginFromAsync(email, "wrong password here", address: ip);
        await client.LoginFromAsync(HttpHelpers.NewEmail(), "wrong password here", address: ip);
        var login = await HttpHelpers.ReadLoginAsync(await client.LoginFromAsync(email, address: ip));
        var refreshRequest = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken").From(ip);
        refreshRequest.Headers.Add("Cookie", $"refresh_token={login.Refresh}");
        var rotated = await HttpHelpers.ReadLoginAsync(await client.SendAsync(refreshRequest));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var reuse = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken").From(ip);
        reuse.Headers.Add("Cookie", $"refresh_token={login.Refresh}");
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
        events.Assert("SignedUp", ("UserId", userId), ("ClientIp", ip));
        events.Assert("LoginFailed", ("UserId", userId), ("ClientIp", ip));
        events.Assert("LoginFailed", ("UserId", null), ("ClientIp", ip));
        events.Assert("LoginSucceeded", ("UserId", userId), ("SessionId", login.SessionId()), ("ClientIp", ip));
        events.Assert("TokenRefreshed", ("UserId", userId), ("SessionId", login.SessionId()), ("ClientIp", ip));
        events.Assert("RefreshReuseDetected", ("UserId", userId), ("SessionId", login.SessionId()), ("ClientIp", ip));
        events.Assert("PasswordChangeFailed", ("UserId", userId), ("SessionId", second.SessionId()), ("ClientIp", ip));
        events.Assert("PasswordChanged", ("UserId", userId), ("SessionId", second.SessionId()), ("ClientIp", ip));
        events.Assert("SessionRevoked", ("UserId", userId), ("RevokedSessionId", second.SessionId()), ("ClientIp", ip));
        events.Assert("LoggedOut", ("UserId", userId), ("SessionId", third.SessionId()), ("ClientIp", ip));
        events.Assert("AllSessionsRevoked", ("UserId", userId), ("SessionId", fourth.SessionId()), ("ClientIp", ip));
        events.Assert("AdminForcedLogout", ("AdminId", admin.UserId()), ("UserId", userId), ("ClientIp", ip));

        string[] secrets = [HttpHelpers.Password, newPassword, "wrong password here", "root passphrase for tests",
            login.AccessToken, login.Refresh, rotated.AccessToken, rotated.Refresh, second.AccessToken, third.AccessToken, fourth.Refresh, "$argon2", email];
        foreach (var logged in events.All)
            foreach (var secret in secrets)
                Xunit.Assert.DoesNotContain(secret, logged, StringComparison.OrdinalIgnoreCase);
    }

    sealed class CapturedEvents : ILoggerProvider
    {
        readonly ConcurrentQueue<(string Name, IReadOnlyList<KeyValuePair<string, object?>> State, string Text)> _events = new();

        public IEnumerable<string> All => _events.Select(e => e.Text + " " + string.Join(" ", e.State.Select(p => $"{p.Key}={p.Value}")));

        public void Assert(string eventName, params (string Key, string? Value)[] expected) =>
            Xunit.Assert.Contains(_events, e => e.Name == eventName && expected.All(x =>
                e.State.Any(p => p.Key == x.Key && p.Value?.ToString() == x.Value)));

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose() { }

        sealed class Logger(CapturedEvents sink, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var pairs = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
                sink._events.Enqueue((category == "MiniAuth.Auth.AuditTrail" ? eventId.Name ?? "" : "", pairs, formatter(state, exception)));
            }
        }
    }
}
