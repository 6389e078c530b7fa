using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The rotation rules of a refresh: the token just replaced is honoured for RefreshReuseGrace and
// gets the session's current token, never a branch; after the grace, or two rotations old, it is
// reuse and ends its session. The store-level rules under them are pinned on every backend by
// BackendSuiteTests.SessionRulesHoldAlikeOnEveryBackend.
public class RefreshRotationTests
{
    [Fact]
    public async Task TheJustReplacedTokenWithinTheGraceGetsTheSameCurrentTokenAndTheSessionLives()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var first = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        app.Time.Advance(app.RefreshReuseGrace - TimeSpan.FromSeconds(1));
        var late = await client.RestoreWithBearerAsync(login.Refresh);

        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        var second = await HttpHelpers.ReadLoginAsync(late);
        Assert.Equal(HttpHelpers.Claims(first.Refresh).GetProperty("jti").GetString(), HttpHelpers.Claims(second.Refresh).GetProperty("jti").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(first.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(second.Refresh)).StatusCode);
    }

    [Fact]
    public async Task TheJustReplacedTokenAfterTheGraceIsReuseAndEndsTheWholeSession()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var rotated = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));

        app.Time.Advance(app.RefreshReuseGrace + TimeSpan.FromSeconds(1));
        var problem = await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("reuse", problem.GetProperty("detail").GetString());
        // The newest token and the access tokens of the session die with it.
        await (await client.RestoreWithBearerAsync(rotated.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var profile = await client.FetchProfileAsync(rotated.AccessToken);
        var denied = await profile.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer error=\"invalid_token\"", profile.Headers.WwwAuthenticate.ToString());
        Assert.Contains("reuse", denied.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ATokenTwoRotationsOldIsReuseEvenWithinTheGrace()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var second = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        var third = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(second.Refresh));

        await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);

        await (await client.RestoreWithBearerAsync(third.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ReuseEndsOnlyTheSessionItCameFrom()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var stolen = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        var otherDevice = await client.LoginAsync(email, delivery: "body");
        await client.RestoreWithBearerAsync(stolen.Refresh);
        app.Time.Advance(app.RefreshReuseGrace + TimeSpan.FromSeconds(1));

        await client.RestoreWithBearerAsync(stolen.Refresh);

        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(otherDevice.Refresh)).StatusCode);
    }

    [Fact]
    public async Task ConcurrentRestoresOfOneTokenAllSucceedWithOneBranch()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.RestoreWithBearerAsync(login.Refresh)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var restored = await Task.WhenAll(responses.Select(HttpHelpers.ReadLoginAsync));
        var jtis = restored.Select(r => HttpHelpers.Claims(r.Refresh).GetProperty("jti").GetString()).Distinct().ToList();
        Assert.Single(jtis);
        var sid = HttpHelpers.Claims(login.Refresh).GetProperty("sid").GetString()!;
        Assert.Equal(jtis[0], (await app.Get<ISessionStore>().FindAsync(sid, default))!.CurrentJti);
    }
}
