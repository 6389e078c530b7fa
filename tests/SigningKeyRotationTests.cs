using Microsoft.Extensions.Options;
using MiniAuth.Auth.Tokens;
using MiniAuth.Auth;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// Publish before sign, on one instance: a rotated key is published at once, signs from
// PublishLead (two reload intervals) later on without any store change, and the old key
// verifies its last tokens.
public class SigningKeyRotationTests
{
    static string Kid(string token) => HttpHelpers.Header(token).GetProperty("kid").GetString()!;

    static async Task<List<string>> JwksKidsAsync(HttpClient client) =>
        (await (await client.GetAsync("/.well-known/jwks.json")).JsonAsync()).GetProperty("keys")
            .EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToList();

    // For what the key loader does in the background when the fake clock moves.
    static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not within 15 s: {what}");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task TheLastTokensOfTheOldKeyVerifyUntilTheyExpireAndThenTheOldKeyLeavesTheJwks()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var oldKid = Kid((await client.SignUpAndLoginAsync(email: email)).AccessToken);
        var store = app.Get<ISigningKeyStore>();
        var rotated = await app.Get<SigningKeyRing>().RotateAsync(CancellationToken.None);

        // The old key's last tokens: a second before the new key takes over.
        app.Time.Advance(rotated.SignsFrom - TimeSpan.FromSeconds(1) - app.Time.GetUtcNow());
        var last = await client.LoginAsync(email, delivery: "body");
        Assert.Equal(oldKid, Kid(last.AccessToken));
        Assert.Equal(oldKid, Kid(last.Refresh));

        // The clock alone switches the signing key; the loader's tick records the old key's
        // retirement as the moment the new one took over, not the rotation's.
        app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(rotated.KeyId, Kid((await client.LoginAsync(email)).AccessToken));
        await EventuallyAsync(async () => (await store.ListAsync(CancellationToken.None))
            .Single(k => k.Id == oldKid).RetiredAt == rotated.SignsFrom, "the loader records the old key's retirement");
        Assert.Null((await store.ListAsync(CancellationToken.None)).Single(k => k.Id == rotated.KeyId).RetiredAt);

        // The old access token lives its hour, the old refresh token its whole lifetime (exp is
        // in whole seconds, hence the margin).
        app.Time.Advance(app.AccessTokenLifetime - TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(last.AccessToken)).StatusCode);
        app.Time.Advance(app.RefreshTokenLifetime - app.AccessTokenLifetime - TimeSpan.FromSeconds(1));
        await app.Get<SigningKeyRing>().LoadAsync(CancellationToken.None);
        Assert.Contains(oldKid, await JwksKidsAsync(client));
        var restored = await client.RestoreWithBearerAsync(last.Refresh);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(rotated.KeyId, Kid((await HttpHelpers.ReadLoginAsync(restored)).AccessToken));

        // Once every token it or a lagging instance signed has expired, it leaves the JWKS.
        app.Time.Advance(rotated.SignsFrom + app.TokenOptions.LongestTokenLifetime
            + app.Get<IOptions<SigningKeyOptions>>().Value.ReloadInterval + TimeSpan.FromSeconds(1) - app.Time.GetUtcNow());
        await app.Get<SigningKeyRing>().LoadAsync(CancellationToken.None);
        Assert.Equal([rotated.KeyId], await JwksKidsAsync(client));
    }

    [Fact]
    public async Task TwoQuickRotationsEachSignAfterThePublishLeadInTheirOrder()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var firstKid = Kid((await client.SignUpAndLoginAsync()).AccessToken);
        var ring = app.Get<SigningKeyRing>();
        var second = await ring.RotateAsync(CancellationToken.None);
        app.Time.Advance(TimeSpan.FromSeconds(10));
        var third = await ring.RotateAsync(CancellationToken.None);

        Assert.Equal(firstKid, Kid((await client.SignUpAndLoginAsync()).AccessToken));
        app.Time.Advance(second.SignsFrom - app.Time.GetUtcNow());
        Assert.Equal(second.KeyId, Kid((await client.SignUpAndLoginAsync()).AccessToken));
        app.Time.Advance(third.SignsFrom - app.Time.GetUtcNow());
        Assert.Equal(third.KeyId, Kid((await client.SignUpAndLoginAsync()).AccessToken));
        await ring.LoadAsync(CancellationToken.None);
        var keys = await app.Get<ISigningKeyStore>().ListAsync(CancellationToken.None);
        Assert.Equal(second.SignsFrom, keys.Single(k => k.Id == firstKid).RetiredAt);
        Assert.Equal(third.SignsFrom, keys.Single(k => k.Id == second.KeyId).RetiredAt);
        Assert.Equal([firstKid, second.KeyId, third.KeyId], await JwksKidsAsync(client));
    }

    [Fact]
    public async Task AReloadKeepsTheKeyObjectOfEveryKidStillLive()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var ring = app.Get<SigningKeyRing>();
        var oldKey = Assert.Single(ring.Resolve(Kid(login.AccessToken)));
        var rotated = await ring.RotateAsync(CancellationToken.None);
        var newKey = Assert.Single(ring.Resolve(rotated.KeyId));

        app.Time.Advance(rotated.SignsFrom - app.Time.GetUtcNow());
        await ring.LoadAsync(CancellationToken.None);

        Assert.Same(oldKey, Assert.Single(ring.Resolve(Kid(login.AccessToken))));
        Assert.Same(newKey, Assert.Single(ring.Resolve(rotated.KeyId)));
        Assert.Same(newKey, ring.SigningCredentials.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
    }
}
