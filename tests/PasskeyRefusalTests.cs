using System.Text.Json.Nodes;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// What a passkey route refuses, and how: garbage is a 400 with a code, never a 500; a credential
// made elsewhere, without user verification, or for a disabled account does not get in.
public class PasskeyRefusalTests
{
    [Fact]
    public async Task GarbageCredentialsAre400WithACodeNeverA500()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        var valid = authenticator.Create(await client.RegistrationOptionsAsync(login.AccessToken));
        JsonNode?[] garbage =
        [
            null, "a string", 42, new JsonArray(), new JsonObject(), new JsonObject { ["id"] = "x" },
            With(valid, r => r["clientDataJSON"] = "%%%not base64%%%"),
            With(valid, r => r["clientDataJSON"] = "bm90IGpzb24"),
            With(valid, r => r["attestationObject"] = "AAAA"),
            With(valid, r => r["attestationObject"] = 7),
            With(valid, r => r.Remove("clientDataJSON")),
            new JsonObject { ["id"] = "x", ["rawId"] = "x", ["type"] = "public-key", ["response"] = "nope" },
            new JsonObject { ["id"] = "x", ["rawId"] = "x", ["type"] = "password", ["response"] = new JsonObject() },
        ];
        foreach (var credential in garbage)
        {
            foreach (var response in new[]
            {
                await client.AddPasskeyAsync(login.AccessToken, credential),
                await client.PasskeyLoginAsync(credential),
            })
            {
                var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
                Assert.Contains(problem.GetProperty("code").GetString(),
                    new[] { "validation_failed", "passkey_challenge_invalid", "passkey_not_accepted", "invalid_request" });
            }
        }
        foreach (var body in new[] { "{", "[]", "{\"credential\": {\"id\": 1}}", "{\"credential\": {}, \"refreshTokenDelivery\": \"carrier pigeon\"}" })
        {
            var response = await client.PostAsync("/auth/passkey", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        }
        // A credential that reached its challenge used it up, right or wrong; new options work.
        var spent = await client.AddPasskeyAsync(login.AccessToken, valid);
        Assert.Equal("passkey_challenge_invalid", (await spent.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        await client.RegisterAsync(login.AccessToken, authenticator);
    }

    [Fact]
    public async Task APasskeyMadeOnAnotherOriginOrWithoutUserVerificationIsNotAccepted()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var phished = new SoftAuthenticator("https://localhost.evil.example");
        using var unverified = new SoftAuthenticator { UserVerified = false };

        foreach (var authenticator in new[] { phished, unverified })
        {
            var response = await client.AddPasskeyAsync(login.AccessToken, authenticator.Create(await client.RegistrationOptionsAsync(login.AccessToken)));
            Assert.Equal("passkey_not_accepted", (await response.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        }
        Assert.Empty(await client.ListPasskeysAsync(login.AccessToken));
        app.Logs.AssertAudit("PasskeyRegistrationRefused", ("UserId", login.UserId()));
    }

    [Fact]
    public async Task ASignInWithoutUserVerificationOrOnAnotherOriginIsRefused()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        await client.RegisterAsync(login.AccessToken, authenticator);

        authenticator.UserVerified = false;
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInWithPasskeyAsync(authenticator)).StatusCode);
        authenticator.UserVerified = true;
        authenticator.Origin = "https://evil.example";
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInWithPasskeyAsync(authenticator)).StatusCode);
        authenticator.Origin = "https://localhost";
        var noHandle = await client.PasskeyLoginAsync(authenticator.Get(await client.LoginOptionsAsync(), withUserHandle: false));
        Assert.Equal(HttpStatusCode.Unauthorized, noHandle.StatusCode);
        app.Logs.AssertAudit("PasskeyAssertionRefused", ("UserId", login.UserId()), ("Reason", "user_verification_requirement_not_met"));
        Assert.Equal(HttpStatusCode.OK, (await client.SignInWithPasskeyAsync(authenticator)).StatusCode);
    }

    [Fact]
    public async Task ADisabledAccountCannotSignInWithItsPasskey()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        await client.RegisterAsync(login.AccessToken, authenticator);
        await app.Get<IUserStore>().TryChangeAsync(login.UserId(), new UserChanges(Disabled: true), "admin", default);

        var refused = await client.SignInWithPasskeyAsync(authenticator);
        Assert.Equal("account_disabled", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden)).GetProperty("code").GetString());
        Assert.Null(HttpHelpers.RefreshCookie(refused));
    }

    static JsonObject With(JsonObject credential, Action<JsonObject> change)
    {
        var copy = (JsonObject)credential.DeepClone();
        change((JsonObject)copy["response"]!);
        return copy;
    }
}
