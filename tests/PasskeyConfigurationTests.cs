using System.Text.Json.Nodes;
using MiniAuth.Auth.Passkeys;

namespace MiniAuth.Tests;

// The relying party from configuration, the start-time checks, and the seams the second factor
// (completeMfa) and the admin's resetUserMfa use.
public class PasskeyConfigurationTests
{
    [Theory]
    [InlineData("MiniAuth:Passkeys:RelyingPartyId", "https://example.test", "MiniAuth:Passkeys:RelyingPartyId")]
    [InlineData("MiniAuth:Passkeys:RelyingPartyId", "Example.test", "MiniAuth:Passkeys:RelyingPartyId")]
    [InlineData("MiniAuth:Passkeys:RelyingPartyId", "example.org", "MiniAuth:Passkeys")]
    [InlineData("MiniAuth:Passkeys:Origins:0", "https://auth.example.test/login", "MiniAuth:Passkeys:Origins")]
    [InlineData("MiniAuth:Passkeys:Origins:0", "https://elsewhere.test", "MiniAuth:Passkeys")]
    [InlineData("MiniAuth:Passkeys:ChallengeLifetime", "01:00:00", "MiniAuth:Passkeys:ChallengeLifetime")]
    [InlineData("MiniAuth:PublicUrl", null, "MiniAuth:Passkeys:Origins")]
    public async Task ABadPasskeySettingStopsTheStartNamingTheKey(string key, string? value, string named)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:PublicUrl"] = "https://auth.example.test",
            ["MiniAuth:Passkeys:RelyingPartyId"] = "example.test",
            [key] = value,
        });

        var error = Assert.ThrowsAny<Exception>(() => app.NewClient());

        Assert.Contains(named, error.ToString());
    }

    [Fact]
    public async Task TheRelyingPartyAndItsOriginsCanBeConfigured()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:PublicUrl"] = "https://auth.example.test",
            ["MiniAuth:Passkeys:RelyingPartyId"] = "example.test",
            ["MiniAuth:Passkeys:Origins:0"] = "https://auth.example.test",
            ["MiniAuth:Passkeys:Origins:1"] = "https://app.example.test",
            ["MiniAuth:Passkeys:RelyingPartyName"] = "Example",
        });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var options = await client.RegistrationOptionsAsync(login.AccessToken);
        Assert.Equal("example.test", options.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal("Example", options.GetProperty("rp").GetProperty("name").GetString());
        using var onApp = new SoftAuthenticator("https://app.example.test");
        Assert.Equal(HttpStatusCode.Created, (await client.AddPasskeyAsync(login.AccessToken, onApp.Create(options))).StatusCode);
        using var onLocalhost = new SoftAuthenticator("https://localhost");
        var refused = await client.AddPasskeyAsync(login.AccessToken, onLocalhost.Create(await client.RegistrationOptionsAsync(login.AccessToken)));
        Assert.Equal("passkey_not_accepted", (await refused.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.SignInWithPasskeyAsync(onApp)).StatusCode);
    }

    [Fact]
    public async Task AsASecondFactorOnlyTheGivenUsersPasskeyAnswersItsOwnChallenge()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var owner = await client.SignUpAndLoginAsync();
        var other = await client.SignUpAndLoginAsync();
        using var ownerKey = new SoftAuthenticator();
        using var otherKey = new SoftAuthenticator();
        await client.RegisterAsync(owner.AccessToken, ownerKey);
        await client.RegisterAsync(other.AccessToken, otherKey);
        var verifier = app.Get<PasskeyVerifier>();

        var ceremony = await verifier.StartAsync(owner.UserId(), app.Time.GetUtcNow(), default);
        var options = JsonDocument.Parse(ceremony.OptionsJson!).RootElement;
        Assert.Equal(ownerKey.Id, Assert.Single(options.GetProperty("allowCredentials").EnumerateArray()).GetProperty("id").GetString());
        var verified = await verifier.VerifyAsync(Element(ownerKey.Get(options)), owner.UserId(), null, app.Time.GetUtcNow(), default);
        Assert.Equal(PasskeyVerdict.Verified, verified.Verdict);
        Assert.Equal(owner.UserId(), verified.Passkey!.UserId);

        // Another user's passkey on the owner's challenge; the owner's on a challenge made for the
        // passkey alone, or for another user.
        var foreign = JsonDocument.Parse((await verifier.StartAsync(owner.UserId(), app.Time.GetUtcNow(), default)).OptionsJson!).RootElement;
        Assert.Equal(PasskeyVerdict.Refused,
            (await verifier.VerifyAsync(Element(otherKey.Get(foreign)), owner.UserId(), null, app.Time.GetUtcNow(), default)).Verdict);
        Assert.Equal(PasskeyVerdict.ChallengeInvalid,
            (await verifier.VerifyAsync(Element(ownerKey.Get(await client.LoginOptionsAsync())), owner.UserId(), null, app.Time.GetUtcNow(), default)).Verdict);
        var othersChallenge = JsonDocument.Parse((await verifier.StartAsync(other.UserId(), app.Time.GetUtcNow(), default)).OptionsJson!).RootElement;
        Assert.Equal(PasskeyVerdict.ChallengeInvalid,
            (await verifier.VerifyAsync(Element(ownerKey.Get(othersChallenge)), owner.UserId(), null, app.Time.GetUtcNow(), default)).Verdict);
    }

    [Fact]
    public async Task RemovingAllOfAUsersPasskeysLeavesOtherUsersAlone()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var owner = await client.SignUpAndLoginAsync();
        var other = await client.SignUpAndLoginAsync();
        using var first = new SoftAuthenticator();
        using var second = new SoftAuthenticator();
        using var others = new SoftAuthenticator();
        await client.RegisterAsync(owner.AccessToken, first);
        await client.RegisterAsync(owner.AccessToken, second);
        await client.RegisterAsync(other.AccessToken, others);

        Assert.Equal(2, await app.Get<PasskeyRemoval>().RemoveAllAsync(owner.UserId(), default));
        Assert.Empty(await client.ListPasskeysAsync(owner.AccessToken));
        Assert.Single(await client.ListPasskeysAsync(other.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInWithPasskeyAsync(first)).StatusCode);
    }

    [Fact]
    public async Task AnAccountHoldsAtMostMaxPerUserPasskeys()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings(new Dictionary<string, string?> { ["MiniAuth:Passkeys:MaxPerUser"] = "1" }));
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var first = new SoftAuthenticator();
        using var second = new SoftAuthenticator();
        var pending = await client.RegistrationOptionsAsync(login.AccessToken);
        await client.RegisterAsync(login.AccessToken, first);

        var options = await client.SendWithBearerAsync(HttpMethod.Post, "/profile/passkeys/options", login.AccessToken);
        Assert.Equal("passkey_limit_reached", (await options.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        var late = await client.AddPasskeyAsync(login.AccessToken, second.Create(pending));
        Assert.Equal("passkey_limit_reached", (await late.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task APublicUrlOnAnIpAddressLeavesPasskeysOff()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:PublicUrl"] = "http://127.0.0.1:8080" });
        var response = await app.NewClient().PostAsync("/auth/passkey/options", null);
        Assert.Equal("passkeys_not_configured", (await response.AssertProblemAsync(HttpStatusCode.NotFound)).GetProperty("code").GetString());
    }

    static JsonElement Element(JsonNode node) => JsonDocument.Parse(node.ToJsonString()).RootElement;
}
