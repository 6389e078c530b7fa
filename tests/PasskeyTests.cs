using System.Text.Json.Nodes;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// Passkeys over HTTP, answered by a software authenticator, so Fido2NetLib checks real signatures;
// everything stored runs on both backends.
public class PasskeyTests
{
    [Theory, OnLiteDb, OnServers]
    public async Task APasskeyIsRegisteredListedUsedAloneToSignInAndRemoved(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var login = await client.SignUpAndLoginAsync(email: email);
        using var authenticator = new SoftAuthenticator();

        var options = await client.RegistrationOptionsAsync(login.AccessToken);
        Assert.Equal("localhost", options.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal(email, options.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("residentKey").GetString());
        Assert.Equal("required", options.GetProperty("authenticatorSelection").GetProperty("userVerification").GetString());
        Assert.Empty(options.GetProperty("excludeCredentials").EnumerateArray());
        var added = await client.AddPasskeyAsync(login.AccessToken, authenticator.Create(options), "  Laptop ");
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var passkey = await added.JsonAsync();
        var id = passkey.GetProperty("id").GetString()!;
        Assert.Equal($"/profile/passkeys/{id}", added.Headers.Location?.ToString());
        Assert.Equal("Laptop", passkey.GetProperty("name").GetString());
        Assert.Equal(MiniAuthApp.Epoch, passkey.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, passkey.GetProperty("lastUsedAt").ValueKind);
        Assert.NotEqual(authenticator.Id, id);

        // A second registration is told not to make another passkey on this authenticator.
        var again = await client.RegistrationOptionsAsync(login.AccessToken);
        Assert.Equal(authenticator.Id, Assert.Single(again.GetProperty("excludeCredentials").EnumerateArray()).GetProperty("id").GetString());

        app.Time.Advance(TimeSpan.FromMinutes(1));
        var loginOptions = await client.LoginOptionsAsync();
        Assert.Empty(loginOptions.GetProperty("allowCredentials").EnumerateArray());
        Assert.Equal("required", loginOptions.GetProperty("userVerification").GetString());
        var signedIn = await client.PasskeyLoginAsync(authenticator.Get(loginOptions));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var tokens = await HttpHelpers.ReadLoginAsync(signedIn);
        Assert.NotNull(tokens.Cookie);
        Assert.False(tokens.Body.TryGetProperty("refreshToken", out _));
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("__Host-device=", StringComparison.Ordinal));
        Assert.Equal(login.UserId(), tokens.UserId());
        var profile = await client.FetchProfileAsync(tokens.AccessToken);
        Assert.Equal(email, (await profile.JsonAsync()).GetProperty("email").GetString());
        Assert.Equal(app.Time.GetUtcNow(), (await app.Get<IUserStore>().FindByIdAsync(login.UserId(), default))!.LastLoginAt);
        Assert.Equal(2, (await client.ListSessionsAsync(tokens.AccessToken)).Length);

        var listed = Assert.Single(await client.ListPasskeysAsync(tokens.AccessToken));
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(app.Time.GetUtcNow(), listed.GetProperty("lastUsedAt").GetDateTimeOffset());

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Delete, $"/profile/passkeys/{id}", tokens.AccessToken)).StatusCode);
        Assert.Empty(await client.ListPasskeysAsync(tokens.AccessToken));
        var refused = await client.SignInWithPasskeyAsync(authenticator);
        Assert.Equal("passkey_refused", (await refused.AssertProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("code").GetString());
        app.Logs.AssertAudit("PasskeyAdded", ("UserId", login.UserId()), ("PasskeyId", id));
        app.Logs.AssertAudit("PasskeySignedIn", ("UserId", login.UserId()), ("PasskeyId", id), ("SessionId", tokens.SessionId()));
        app.Logs.AssertAudit("PasskeyRemoved", ("UserId", login.UserId()), ("PasskeyId", id));
        app.Logs.AssertAudit("PasskeyAssertionRefused", ("UserId", null), ("Reason", "unknown_credential"));
    }

    // Options from one instance are answered on another: the challenge lives in PostgreSQL.

    [ServersFact]
    public async Task OptionsFromOneInstanceVerifyOnAnother()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        await using var first = store.NewApp(settings: PasskeyTestHelpers.Settings());
        await using var second = store.NewApp(first.Time, PasskeyTestHelpers.Settings());
        var one = first.NewClient();
        var other = second.NewClient();
        var login = await one.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();

        var added = await other.AddPasskeyAsync(login.AccessToken, authenticator.Create(await one.RegistrationOptionsAsync(login.AccessToken)));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var assertion = authenticator.Get(await other.LoginOptionsAsync());
        Assert.Equal(HttpStatusCode.OK, (await one.PasskeyLoginAsync(assertion)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await other.PasskeyLoginAsync(assertion)).StatusCode);
    }

    [Fact]
    public async Task APasskeySignInCanDeliverTheRefreshTokenInTheBody()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        await client.RegisterAsync(login.AccessToken, authenticator);

        var signedIn = await client.SignInWithPasskeyAsync(authenticator, delivery: "body");
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var tokens = await HttpHelpers.ReadLoginAsync(signedIn);
        Assert.Null(tokens.Cookie);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(tokens.RefreshToken!)).StatusCode);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task EachChallengeAnswersOnce(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var first = new SoftAuthenticator();
        using var second = new SoftAuthenticator();

        var options = await client.RegistrationOptionsAsync(login.AccessToken);
        Assert.Equal(HttpStatusCode.Created, (await client.AddPasskeyAsync(login.AccessToken, first.Create(options))).StatusCode);
        var reused = await client.AddPasskeyAsync(login.AccessToken, second.Create(options));
        Assert.Equal("passkey_challenge_invalid", (await reused.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());

        var assertion = first.Get(await client.LoginOptionsAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.PasskeyLoginAsync(assertion)).StatusCode);
        var replayed = await client.PasskeyLoginAsync(assertion);
        Assert.Equal("passkey_challenge_invalid", (await replayed.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());
        Assert.Single(await client.ListPasskeysAsync(login.AccessToken));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task AChallengeLivesFiveMinutesToTheSecond(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        using var authenticator = new SoftAuthenticator();

        var late = await client.RegistrationOptionsAsync(login.AccessToken);
        app.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var expired = await client.AddPasskeyAsync(login.AccessToken, authenticator.Create(late));
        Assert.Equal("passkey_challenge_invalid", (await expired.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());

        var onTime = await client.RegistrationOptionsAsync(login.AccessToken);
        app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Created, (await client.AddPasskeyAsync(login.AccessToken, authenticator.Create(onTime))).StatusCode);

        var loginOptions = await client.LoginOptionsAsync();
        app.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var tooLate = await client.PasskeyLoginAsync(authenticator.Get(loginOptions));
        Assert.Equal("passkey_challenge_invalid", (await tooLate.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());
    }

    [Theory, OnLiteDb, OnServers]
    public async Task AnotherUsersPasskeyIsNotFoundAndCannotBeRemoved(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var owner = await client.SignUpAndLoginAsync();
        var other = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        var id = (await client.RegisterAsync(owner.AccessToken, authenticator)).GetProperty("id").GetString()!;

        var foreign = await client.SendWithBearerAsync(HttpMethod.Delete, $"/profile/passkeys/{id}", other.AccessToken);
        var unknown = await client.SendWithBearerAsync(HttpMethod.Delete, "/profile/passkeys/no-such-passkey", other.AccessToken);
        var problem = await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("passkey_not_found", problem.GetProperty("code").GetString());
        Assert.Equal(problem.GetProperty("detail").GetString(), (await unknown.AssertProblemAsync(HttpStatusCode.NotFound)).GetProperty("detail").GetString());
        Assert.Empty(await client.ListPasskeysAsync(other.AccessToken));
        Assert.Single(await client.ListPasskeysAsync(owner.AccessToken));

        // Nor can the other user register it, or answer the owner's challenge.
        var stolen = await client.AddPasskeyAsync(other.AccessToken, authenticator.Create(await client.RegistrationOptionsAsync(other.AccessToken)));
        Assert.Equal("passkey_already_registered", (await stolen.AssertProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        using var fresh = new SoftAuthenticator();
        var crossed = await client.AddPasskeyAsync(other.AccessToken, fresh.Create(await client.RegistrationOptionsAsync(owner.AccessToken)));
        Assert.Equal("passkey_challenge_invalid", (await crossed.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("code").GetString());
    }

    [Theory, OnLiteDb, OnServers]
    public async Task ASignCounterThatGoesBackIsRefusedAndAudited(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        var id = (await client.RegisterAsync(login.AccessToken, authenticator)).GetProperty("id").GetString()!;

        authenticator.SignCount = 9;
        Assert.Equal(HttpStatusCode.OK, (await client.SignInWithPasskeyAsync(authenticator)).StatusCode);
        authenticator.SignCount = 4;
        var clone = await client.SignInWithPasskeyAsync(authenticator);
        Assert.Equal("passkey_refused", (await clone.AssertProblemAsync(HttpStatusCode.Unauthorized)).GetProperty("code").GetString());
        app.Logs.AssertAudit("PasskeySignCounterWentBack", ("UserId", login.UserId()), ("PasskeyId", id), ("StoredCount", "10"));
        authenticator.SignCount = 10;
        Assert.Equal(HttpStatusCode.OK, (await client.SignInWithPasskeyAsync(authenticator)).StatusCode);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task DeletingTheAccountRemovesItsPasskeys(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        await client.RegisterAsync(login.AccessToken, authenticator);

        var deleted = await client.SendWithBearerAsync(HttpMethod.Delete, "/profile", login.AccessToken, new { currentPassword = HttpHelpers.Password });
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await app.Get<IPasskeyStore>().ListForUserAsync(login.UserId(), default));
        Assert.Null(await app.Get<IPasskeyStore>().FindByCredentialIdAsync(authenticator.Id, default));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInWithPasskeyAsync(authenticator)).StatusCode);
    }

    [Fact]
    public async Task AnAdminDeletingTheAccountRemovesItsPasskeys()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings(AuditTestHelpers.WithAdmin()));
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        await client.RegisterAsync(login.AccessToken, authenticator);
        var admin = await client.LoginAsync(AuditTestHelpers.AdminEmail, AuditTestHelpers.AdminPassword);

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Delete, $"/admin/users/{login.UserId()}", admin.AccessToken)).StatusCode);
        Assert.Null(await app.Get<IPasskeyStore>().FindByCredentialIdAsync(authenticator.Id, default));
    }

    [Fact]
    public async Task TheOwnersActivityShowsPasskeysAddedAndRemoved()
    {
        await using var app = new MiniAuthApp(settings: PasskeyTestHelpers.Settings());
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        using var authenticator = new SoftAuthenticator();
        var id = (await client.RegisterAsync(login.AccessToken, authenticator)).GetProperty("id").GetString()!;
        await client.SendWithBearerAsync(HttpMethod.Delete, $"/profile/passkeys/{id}", login.AccessToken);

        var types = (await app.AuditItemsAsync(client, login.AccessToken, "/profile/activity")).Select(e => e.Text("type")).ToList();
        Assert.Equal(["PasskeyRemoved", "PasskeyAdded"], types.Where(t => t!.StartsWith("Passkey", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task WithoutARelyingPartyThePasskeyRoutesSaySo()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        foreach (var response in new[]
        {
            await client.PostAsync("/auth/passkey/options", null),
            await client.SendWithBearerAsync(HttpMethod.Post, "/profile/passkeys/options", login.AccessToken),
        })
            Assert.Equal("passkeys_not_configured", (await response.AssertProblemAsync(HttpStatusCode.NotFound)).GetProperty("code").GetString());
        Assert.Empty(await client.ListPasskeysAsync(login.AccessToken));
    }
}
