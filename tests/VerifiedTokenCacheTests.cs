using MiniAuth.Auth.Bearer;
using MiniAuth.Auth.Tokens;
using MiniAuth.Auth;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The cache of verified access tokens saves the signature check only: expiry and the session
// are judged on every call, so a cached token never outlives its exp or its session.
public class VerifiedTokenCacheTests
{
    [Fact]
    public async Task ACachedAccessTokenIsRejectedTheSecondAfterItExpires()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        Assert.Equal(1, app.Get<VerifiedTokenCache>().Count);

        app.Time.Advance(app.AccessTokenLifetime);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        app.Time.Advance(TimeSpan.FromSeconds(1));
        var expired = await client.FetchProfileAsync(login.AccessToken);
        await expired.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", expired.Headers.WwwAuthenticate.ToString());
        // Still refused on the next call, when the dead entry is gone.
        await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ACachedAccessTokenIsRejectedAtOnceAfterLogout()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.Authorization = new("Bearer", login.Refresh);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout)).StatusCode);

        var problem = await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(RevocationReasons.Logout, problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ACachedAccessTokenIsRejectedOnceItsSessionIsRevokedInTheStore()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        var sessionId = HttpHelpers.Claims(login.AccessToken).GetProperty("sid").GetString()!;
        Assert.True(await app.Get<ISessionStore>().RevokeAsync(sessionId, RevocationReasons.ForcedByAdmin, app.Time.GetUtcNow(), CancellationToken.None));

        var problem = await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(RevocationReasons.ForcedByAdmin, problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ACachedAccessTokenIsRejectedOnceItsSessionHasExpired()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:AccessTokenLifetime"] = "02:00:00",
            ["MiniAuth:RefreshTokenLifetime"] = "01:00:00",
        });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        app.Time.Advance(app.RefreshTokenLifetime + TimeSpan.FromSeconds(1));

        // The token ends with its session (its exp was capped at the session's end), so the cached
        // copy is refused by the lifetime check before the session is even looked at.
        var problem = await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_token", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ATamperedCopyOfACachedTokenIsRejected()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        var last = login.AccessToken[^1];
        var tampered = login.AccessToken[..^1] + (last == 'A' ? 'B' : 'A');
        await (await client.FetchProfileAsync(tampered)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var parts = login.AccessToken.Split('.');
        var otherClaims = parts[0] + "." + parts[1][..^2] + (parts[1][^2] == 'x' ? "y" : "x") + parts[1][^1] + "." + parts[2];
        await (await client.FetchProfileAsync(otherClaims)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(1, app.Get<VerifiedTokenCache>().Count);
    }

    [Fact]
    public async Task TheCacheNeverHoldsMoreThanItsCapacity()
    {
        await using var app = new MiniAuthApp();
        await app.NewClient().GetAsync("/health");
        var tokens = app.Get<TokenService>();
        var cache = app.Get<VerifiedTokenCache>();
        var user = new UserRecord { Id = "u1", Email = "u1@example.test", Roles = [] };

        var largest = 0;
        for (var i = 0; i < VerifiedTokenCache.Capacity + 10; i++)
        {
            var token = tokens.CreateAccessToken(user, $"session-{i}", ["pwd"], app.Time.GetUtcNow(), app.Time.GetUtcNow() + app.AccessTokenLifetime);
            Assert.True((await cache.ValidateTokenAsync(token, tokens.AccessTokenParameters)).IsValid);
            largest = Math.Max(largest, cache.Count);
        }

        Assert.Equal(VerifiedTokenCache.Capacity, largest);
        Assert.True(cache.Count <= 10);
    }

    [Fact]
    public async Task ARefreshTokenSentAsAnAccessTokenIsRefusedAsAnInvalidToken()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var refused = await client.FetchProfileAsync(login.Refresh);

        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString());
        Assert.Equal(0, app.Get<VerifiedTokenCache>().Count);
        // The same refresh token still does its own job.
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
    }

    [Fact]
    public async Task ACachedAccessTokenIsRejectedOnceItsSigningKeyIsGone()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        var kid = HttpHelpers.Header(login.AccessToken).GetProperty("kid").GetString()!;
        var keys = app.Get<SigningKeyRing>();
        var rotated = await keys.RotateAsync(CancellationToken.None);
        app.Time.Advance(rotated.SignsFrom - app.Time.GetUtcNow());
        Assert.Equal(rotated.KeyId, keys.SigningCredentials.Kid);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        await app.Get<ISigningKeyStore>().DeleteAsync(kid, CancellationToken.None);
        await keys.LoadAsync(CancellationToken.None);

        await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
