using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// Private signing keys encrypted at rest with a key kept outside the store: a copy of the store
// alone cannot sign, and the service will not start on one without the key it was encrypted with.
public sealed class SigningKeyEncryptionTests : IDisposable
{
    const string Setting = "MiniAuth:SigningKeys:EncryptionKey";
    readonly string _databasePath = AccountTestHelpers.NewDatabasePath();
    readonly FakeTimeProvider _time = new(MiniAuthApp.Epoch);

    public void Dispose() => AccountTestHelpers.DeleteDatabase(_databasePath);

    static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    MiniAuthApp App(IDictionary<string, string?>? settings = null) => new(_databasePath, settings, _time);

    static Dictionary<string, string?> With(string key, string? value) => new() { [key] = value };

    static async Task<IReadOnlyList<SigningKeyRecord>> StoredKeysAsync(MiniAuthApp app) =>
        await app.Get<ISigningKeyStore>().ListAsync(default);

    static bool IsPkcs8(byte[] stored)
    {
        using var ecdsa = ECDsa.Create();
        try { ecdsa.ImportPkcs8PrivateKey(stored, out _); return true; }
        catch (CryptographicException) { return false; }
    }

    static string StartFailure(MiniAuthApp app)
    {
        var error = Record.Exception(() => app.NewClient());
        Assert.NotNull(error);
        // As in StartupTests: the host's own log has the reason when the test host saw only a disposed host.
        return error + string.Join("\n", app.Logs.All);
    }

    [Fact]
    public async Task WithAKeyConfiguredTheStoredPrivateKeyIsNotPkcs8AndTokensWork()
    {
        await using var app = App(With(Setting, NewKey()));
        var client = app.NewClient();

        var login = await client.SignUpAndLoginAsync(delivery: "body");

        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
        var stored = Assert.Single(await StoredKeysAsync(app));
        Assert.False(IsPkcs8(stored.PrivateKey));
        Assert.NotEqual(0x30, stored.PrivateKey[0]);
    }

    [Fact]
    public async Task ARestartWithTheSameKeyFileVerifiesTheOldTokensAndWithoutTheKeyTheStartStopsNamingIt()
    {
        var keyFile = Path.Combine(Path.GetDirectoryName(_databasePath)!, "signing-key-encryption.key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        await File.WriteAllTextAsync(keyFile, NewKey() + "\n");
        var withFile = With("MiniAuth:SigningKeys:EncryptionKeyFile", keyFile);
        Login login;
        await using (var before = App(withFile))
            login = await before.NewClient().SignUpAndLoginAsync(delivery: "body");

        await using (var after = App(withFile))
        {
            var client = after.NewClient();
            Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
        }

        await using var without = App();
        var reported = StartFailure(without);
        Assert.Contains("is encrypted", reported);
        Assert.Contains(Setting, reported);
    }

    [Fact]
    public async Task AWrongKeyStopsTheStartWithAMessageNamingTheSetting()
    {
        await using (var before = App(With(Setting, NewKey())))
            before.NewClient();

        await using var wrong = App(With(Setting, NewKey()));
        var reported = StartFailure(wrong);

        Assert.Contains($"does not decrypt with {Setting}", reported);
    }

    [Fact]
    public async Task AnEncryptedKeyCopiedOntoAnotherKidDoesNotDecrypt()
    {
        var key = NewKey();
        await using (var before = App(With(Setting, key)))
        {
            before.NewClient();
            await before.Get<MiniAuth.Auth.Tokens.SigningKeyRing>().RotateAsync(default);
            var keys = await StoredKeysAsync(before);
            keys[1].PrivateKey = keys[0].PrivateKey;
            await before.Get<ISigningKeyStore>().UpdateAsync(keys[1], default);
        }

        await using var after = App(With(Setting, key));

        Assert.Contains("does not decrypt", StartFailure(after));
    }

    [Fact]
    public async Task AnExistingPlainStoreIsEncryptedOnTheFirstStartWithTheKeyAndItsTokensStillVerify()
    {
        Login login;
        await using (var plain = App())
        {
            login = await plain.NewClient().SignUpAndLoginAsync(delivery: "body");
            Assert.True(IsPkcs8(Assert.Single(await StoredKeysAsync(plain)).PrivateKey));
        }
        var key = NewKey();

        await using (var encrypted = App(With(Setting, key)))
        {
            var client = encrypted.NewClient();
            var stored = Assert.Single(await StoredKeysAsync(encrypted));
            Assert.Equal(HttpHelpers.Header(login.AccessToken).GetProperty("kid").GetString(), stored.Id);
            Assert.False(IsPkcs8(stored.PrivateKey));
            Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        }

        // Written back: the next start without the key finds it encrypted.
        await using var without = App();
        Assert.Contains("is encrypted", StartFailure(without));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task OnEveryBackendAPlainKeyIsEncryptedInPlaceAndARevokedOneStaysOut(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        var withKey = With(Setting, NewKey());
        Login login;
        await using (var plain = store.NewApp(_time))
            login = await plain.NewClient().SignUpAndLoginAsync(delivery: "body");
        var kid = HttpHelpers.Header(login.AccessToken).GetProperty("kid").GetString()!;

        await using var app = store.NewApp(_time, withKey);
        var client = app.NewClient();
        Assert.False(IsPkcs8(Assert.Single(await StoredKeysAsync(app)).PrivateKey));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        var revoked = await app.Get<MiniAuth.Auth.Tokens.SigningKeyRing>().RevokeAsync(kid, default);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        var stored = Assert.Single(await StoredKeysAsync(app));
        Assert.Equal(revoked!.SigningKeyId, stored.Id);
        Assert.False(IsPkcs8(stored.PrivateKey));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync((await client.SignUpAndLoginAsync()).AccessToken)).StatusCode);
    }

    [Theory]
    [InlineData("MiniAuth:SigningKeys:EncryptionKey", "c2hvcnQ=", "exactly 32 bytes")]
    [InlineData("MiniAuth:SigningKeys:EncryptionKey", "not base64!", "not base64")]
    [InlineData("MiniAuth:SigningKeys:EncryptionKeyFile", "/nonexistent/miniauth.key", "cannot be read")]
    public async Task ABadEncryptionKeySettingStopsTheStartWithAMessageNamingIt(string key, string value, string says)
    {
        await using var app = App(With(key, value));

        var reported = StartFailure(app);

        Assert.Contains(key, reported);
        Assert.Contains(says, reported);
    }

    [Fact]
    public async Task SettingBothTheKeyAndTheKeyFileStopsTheStart()
    {
        await using var app = App(new Dictionary<string, string?>
        {
            [Setting] = NewKey(),
            ["MiniAuth:SigningKeys:EncryptionKeyFile"] = "/etc/miniauth/key",
        });

        Assert.Contains("not both", StartFailure(app));
    }
}
