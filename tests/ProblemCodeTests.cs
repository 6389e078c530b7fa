namespace MiniAuth.Tests;

// Every failure carries a stable `code` (and an ended session its `reason`): clients branch on
// them, never on title or detail.
public class ProblemCodeTests
{
    static async Task<string?> CodeOf(HttpResponseMessage response, HttpStatusCode status) =>
        (await response.AssertProblemAsync(status)).GetProperty("code").GetString();

    [Fact]
    public async Task EveryKindOfFailureNamesItsCode()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var login = await client.SignUpAndLoginAsync(email: email, delivery: "body");

        Assert.Equal("email_taken", await CodeOf(await client.SignUpAsync(email), HttpStatusCode.Conflict));
        Assert.Equal("validation_failed", await CodeOf(await client.SignUpAsync("not an email"), HttpStatusCode.BadRequest));
        Assert.Equal("invalid_credentials", await CodeOf(await client.PostLoginAsync(email, "the wrong password"), HttpStatusCode.Unauthorized));
        Assert.Equal("token_required", await CodeOf(await client.FetchProfileAsync(null), HttpStatusCode.Unauthorized));
        Assert.Equal("invalid_token", await CodeOf(await client.FetchProfileAsync("not.a.token"), HttpStatusCode.Unauthorized));
        Assert.Equal("invalid_token", await CodeOf(await client.RestoreWithBearerAsync("not.a.token"), HttpStatusCode.Unauthorized));
        Assert.Equal("not_found", await CodeOf(await client.GetAsync("/no/such/route"), HttpStatusCode.NotFound));
        Assert.Equal("session_not_found", await CodeOf(
            await client.SendWithBearerAsync(HttpMethod.Delete, "/sessions/unknown", login.AccessToken), HttpStatusCode.NotFound));
        var malformed = new StringContent("{", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal("invalid_request", await CodeOf(await client.PostAsync("/auth/login", malformed), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task AnEndedSessionSaysWhyOnEveryRoute()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Delete, "/sessions", login.AccessToken)).StatusCode);

        var profile = await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", profile.GetProperty("code").GetString());
        Assert.Equal("revoked", profile.GetProperty("reason").GetString());
        var restore = await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", restore.GetProperty("code").GetString());
        Assert.Equal("revoked", restore.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ReuseOfAnOldRefreshTokenEndsTheSessionWithReasonReuseDetected()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
        app.Time.Advance(app.RefreshReuseGrace + TimeSpan.FromSeconds(1));

        var reuse = await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("session_ended", reuse.GetProperty("code").GetString());
        Assert.Equal("reuse_detected", reuse.GetProperty("reason").GetString());
    }
}
