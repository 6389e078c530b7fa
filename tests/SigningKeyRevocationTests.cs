using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// A compromised key: revoked, it leaves the store, the JWKS and the ring at once, every token it
// signed is refused, and another key signs.
public class SigningKeyRevocationTests
{
    static string Kid(string token) => HttpHelpers.Header(token).GetProperty("kid").GetString()!;

    static async Task<List<string>> JwksKidsAsync(HttpClient client) =>
        (await (await client.GetAsync("/.well-known/jwks.json")).JsonAsync()).GetProperty("keys")
            .EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();

    [Fact]
    public async Task RevokingTheOnlyKeyRefusesItsTokensDropsItFromTheJwksAndANewKeySignsAtOnce()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var before = await client.SignUpAndLoginAsync(delivery: "body");
        var kid = Kid(before.AccessToken);
        // Verified once, so the verified-token cache holds it.
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(before.AccessToken)).StatusCode);

        var revoked = await app.Get<SigningKeyRing>().RevokeAsync(kid, default);

        Assert.NotNull(revoked);
        Assert.Equal(kid, revoked.KeyId);
        Assert.NotEqual(kid, revoked.SigningKeyId);
        Assert.Equal([revoked.SigningKeyId], await JwksKidsAsync(client));
        Assert.DoesNotContain(await app.Get<ISigningKeyStore>().ListAsync(default), k => k.Id == kid);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(before.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.RestoreWithBearerAsync(before.Refresh)).StatusCode);
        // Past the unknown-kid throttle: the reload that kid sets off does not bring the key back.
        app.Time.Advance(SigningKeyRing.UnknownKidReloadThrottle + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(before.AccessToken)).StatusCode);
        Assert.False(app.Get<SigningKeyRing>().Knows(kid));

        var after = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(revoked.SigningKeyId, Kid(after.AccessToken));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(after.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(after.Refresh)).StatusCode);
    }

    [Fact]
    public async Task RevokingTheSigningKeyWhileARotatedOneWaitsToSignLetsTheRotatedOneSignAtOnce()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var kid = Kid((await client.SignUpAndLoginAsync()).AccessToken);
        var ring = app.Get<SigningKeyRing>();
        var rotated = await ring.RotateAsync(default);

        var revoked = await ring.RevokeAsync(kid, default);

        Assert.Equal(rotated.KeyId, revoked!.SigningKeyId);
        Assert.Equal([rotated.KeyId], await JwksKidsAsync(client));
        var after = await client.SignUpAndLoginAsync();
        Assert.Equal(rotated.KeyId, Kid(after.AccessToken));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(after.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task RevokingARetiredKeyLeavesTheSigningKeyAlone()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var old = await client.SignUpAndLoginAsync();
        var ring = app.Get<SigningKeyRing>();
        var rotated = await ring.RotateAsync(default);
        app.Time.Advance(rotated.SignsFrom - app.Time.GetUtcNow());
        await ring.LoadAsync(default);
        var current = await client.SignUpAndLoginAsync();

        var revoked = await ring.RevokeAsync(Kid(old.AccessToken), default);

        Assert.Equal(rotated.KeyId, revoked!.SigningKeyId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(old.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(current.AccessToken)).StatusCode);
        Assert.Single(await app.Get<ISigningKeyStore>().ListAsync(default));
    }

    [Fact]
    public async Task RevokingAnUnknownKidChangesNothing()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        Assert.Null(await app.Get<SigningKeyRing>().RevokeAsync("no-such-kid", default));

        Assert.Equal([Kid(login.AccessToken)], await JwksKidsAsync(client));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
    }
}
