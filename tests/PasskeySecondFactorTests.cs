using System.Text.Json.Nodes;

namespace MiniAuth.Tests;

// A passkey answering the second step of a password login (TOTP on), as an alternative to a code:
// the mfa_required answer carries options bound to the user, completeMfa takes the assertion.
public class PasskeySecondFactorTests
{
    static readonly Dictionary<string, string?> Settings = PasskeyTestHelpers.Settings(new Dictionary<string, string?>
    {
        ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "1000",
    });

    [Theory, OnLiteDb, OnServers]
    public async Task AfterThePasswordAPasskeyCompletesTheLoginOnceWithItsOwnAmr(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: Settings);
        var client = app.NewClient();
        var (email, session, _) = await app.NewAccountWithTotpAsync(client);
        using var authenticator = new SoftAuthenticator();
        await client.RegisterAsync(session.AccessToken, authenticator);

        var problem = await (await client.PostAsJsonAsync("/auth/login",
            new { email, password = HttpHelpers.Password, refreshTokenDelivery = "body" })).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("mfa_required", problem.GetProperty("code").GetString());
        Assert.Contains("passkey", problem.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        var options = problem.GetProperty("passkeyOptions");
        // Only this user's passkey may answer.
        Assert.Equal(authenticator.Id, Assert.Single(options.GetProperty("allowCredentials").EnumerateArray()).GetProperty("id").GetString());
        var mfaToken = problem.GetProperty("mfaToken").GetString()!;
        var assertion = authenticator.Get(options);

        var completed = await client.PostAsJsonAsync("/auth/mfa", new JsonObject { ["mfaToken"] = mfaToken, ["credential"] = assertion.DeepClone() });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        var tokens = await completed.JsonAsync();
        Assert.Equal(["pwd", "hwk", "user", "mfa"], MfaTestHelpers.Amr(tokens.GetProperty("accessToken").GetString()!));
        Assert.False(string.IsNullOrEmpty(tokens.GetProperty("refreshToken").GetString()));

        // The same assertion again, with a new MFA token: its challenge was used.
        var second = await (await client.PostAsJsonAsync("/auth/login", new { email, password = HttpHelpers.Password }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var replayed = await client.PostAsJsonAsync("/auth/mfa", new JsonObject
        {
            ["mfaToken"] = second.GetProperty("mfaToken").GetString(), ["credential"] = assertion.DeepClone(),
        });
        var refused = await replayed.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("invalid_mfa_code", refused.GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnotherUsersPasskeyOrNoCredentialObjectDoesNotCompleteIt()
    {
        await using var app = new MiniAuthApp(settings: Settings);
        var client = app.NewClient();
        var (email, session, _) = await app.NewAccountWithTotpAsync(client);
        using var own = new SoftAuthenticator();
        await client.RegisterAsync(session.AccessToken, own);
        var other = await client.SignUpAndLoginAsync();
        using var foreign = new SoftAuthenticator();
        await client.RegisterAsync(other.AccessToken, foreign);

        var problem = await (await client.PostAsJsonAsync("/auth/login", new { email, password = HttpHelpers.Password }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var mfaToken = problem.GetProperty("mfaToken").GetString()!;
        var wrong = await client.PostAsJsonAsync("/auth/mfa", new JsonObject
        {
            ["mfaToken"] = mfaToken, ["credential"] = foreign.Get(problem.GetProperty("passkeyOptions")).DeepClone(),
        });
        Assert.Equal("invalid_mfa_code", (await wrong.AssertProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("code").GetString());

        var notAnObject = await client.PostAsJsonAsync("/auth/mfa", new JsonObject { ["mfaToken"] = mfaToken, ["credential"] = "garbage" });
        var invalid = await notAnObject.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", invalid.GetProperty("code").GetString());
    }
}
