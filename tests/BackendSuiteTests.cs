using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiniAuth.Auth.Tokens;
using MiniAuth.Auth;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// One behavioural suite, run on the embedded LiteDB file and on Redis + PostgreSQL: every
// backend must keep the same promises.
public class BackendSuiteTests
{
    static string SessionIdOf(string token) => HttpHelpers.Claims(token).GetProperty("sid").GetString()!;

    static string Jti(string token) => HttpHelpers.Claims(token).GetProperty("jti").GetString()!;

    [Theory, OnLiteDb, OnServers]
    public async Task SignUpLoginAndFetchProfileWork(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email, name: "Ada")).StatusCode);
        var login = await client.LoginAsync(email);

        var profile = await client.FetchProfileAsync(login.AccessToken);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        var body = await profile.JsonAsync();
        Assert.Equal(email, body.GetProperty("email").GetString());
        Assert.Equal("Ada", body.GetProperty("name").GetString());
        Assert.Equal(MiniAuthApp.Epoch, body.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Theory, OnLiteDb, OnServers]
    public async Task SignupRefusesAnEmailTakenInAnotherCase(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
        await (await client.SignUpAsync("  " + email.ToUpperInvariant() + " ")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Single(await app.Get<IUserStore>().ListAsync(CancellationToken.None));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task RestoreRotatesAndAnOldTokenAfterTheGraceEndsTheSession(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        app.Time.Advance(TimeSpan.FromMinutes(5));
        var restored = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        Assert.NotEqual(Jti(login.Refresh), Jti(restored.Refresh));
        Assert.Equal(HttpHelpers.Claims(login.Refresh).GetProperty("exp").GetInt64() + 300, HttpHelpers.Claims(restored.Refresh).GetProperty("exp").GetInt64());

        // Within the grace the replaced token gets the session's current token, not a branch.
        var late = await client.RestoreWithBearerAsync(login.Refresh);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(Jti(restored.Refresh), Jti((await HttpHelpers.ReadLoginAsync(late)).Refresh));

        app.Time.Advance(app.RefreshReuseGrace + TimeSpan.FromSeconds(1));
        var reuse = await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(RevocationReasons.ReuseDetected, reuse.GetProperty("reason").GetString());
        await (await client.RestoreWithBearerAsync(restored.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var profile = await (await client.FetchProfileAsync(restored.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(RevocationReasons.ReuseDetected, profile.GetProperty("reason").GetString());
    }

    [Theory, OnLiteDb, OnServers]
    public async Task LogoutEndsTheSessionForItsRefreshAndAccessTokens(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.Authorization = new("Bearer", login.Refresh);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout)).StatusCode);

        await (await client.RestoreWithBearerAsync(login.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        var profile = await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The session was ended: logout.", profile.GetProperty("detail").GetString());
    }

    [Theory, OnLiteDb, OnServers]
    public async Task ARefreshTokenWorksUpToTheEndOfItsSessionAndNotASecondLater(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var first = await client.SignUpAndLoginAsync(delivery: "body");
        var second = await client.SignUpAndLoginAsync(delivery: "body");

        app.Time.Advance(app.RefreshTokenLifetime);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(first.Refresh)).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await (await client.RestoreWithBearerAsync(second.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task ConcurrentRestoresOfOneTokenEndInOneSession(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.RestoreWithBearerAsync(login.Refresh)));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var jtis = (await Task.WhenAll(responses.Select(HttpHelpers.ReadLoginAsync))).Select(l => Jti(l.Refresh)).Distinct().ToList();
        Assert.Single(jtis);

        var userId = HttpHelpers.Claims(login.AccessToken).GetProperty("sub").GetString()!;
        var session = Assert.Single(await app.Get<ISessionStore>().ListForUserAsync(userId, CancellationToken.None));
        Assert.Equal(jtis[0], session.CurrentJti);
        Assert.Null(session.RevokedAt);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task RevokeAllForUserSparesTheExceptedSessionAndKeepsTheReason(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var logins = new List<Login> { await client.SignUpAndLoginAsync(email: email) };
        logins.Add(await client.LoginAsync(email));
        logins.Add(await client.LoginAsync(email));
        var userId = HttpHelpers.Claims(logins[0].AccessToken).GetProperty("sub").GetString()!;
        var keep = SessionIdOf(logins[1].AccessToken);
        var sessions = app.Get<ISessionStore>();

        Assert.Equal(2, await sessions.RevokeAllForUserAsync(userId, RevocationReasons.PasswordChanged, app.Time.GetUtcNow(), keep, CancellationToken.None));
        Assert.Equal(0, await sessions.RevokeAllForUserAsync(userId, RevocationReasons.ForcedByAdmin, app.Time.GetUtcNow(), keep, CancellationToken.None));

        var listed = await sessions.ListForUserAsync(userId, CancellationToken.None);
        Assert.Equal(3, listed.Count);
        Assert.Null(Assert.Single(listed, s => s.Id == keep).RevokedAt);
        Assert.All(listed.Where(s => s.Id != keep), s => Assert.Equal(RevocationReasons.PasswordChanged, s.RevocationReason));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(logins[1].AccessToken)).StatusCode);
        var refused = await (await client.FetchProfileAsync(logins[2].AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The session was ended: password changed.", refused.GetProperty("detail").GetString());
    }

    // The pin: SessionRecord (CanRotateFrom, Apply, TryRevoke) and RedisSessionScripts point here.
    // Every session rule the C# and the Lua share, against ISessionStore itself.
    [Theory, OnLiteDb, OnServers]
    public async Task SessionRulesHoldAlikeOnEveryBackend(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var sessions = app.Get<ISessionStore>();
        var ct = CancellationToken.None;
        var start = app.Time.GetUtcNow();
        Task Create(string id, string userId) => sessions.CreateAsync(new SessionRecord
        {
            Id = id, UserId = userId, CurrentJti = $"{id}-jti", CurrentIssuedAt = start,
            CreatedAt = start, LastUsedAt = start, ExpiresAt = start + app.RefreshTokenLifetime,
        }, ct);
        await Create("ann-1", "ann");
        app.Time.Advance(TimeSpan.FromMinutes(5));
        var now = app.Time.GetUtcNow();
        var rotation = new SessionRotation("ann-1-next", now, now + app.RefreshTokenLifetime);

        // Rotation: only the current jti of a session not revoked rotates, and only once.
        Assert.False(await sessions.TryRotateAsync("ann-1", "not-the-current-one", rotation, ct));
        Assert.False(await sessions.TryRotateAsync("no-such-session", "ann-1-jti", rotation, ct));
        Assert.Equal("ann-1-jti", (await sessions.FindAsync("ann-1", ct))!.CurrentJti);
        Assert.True(await sessions.TryRotateAsync("ann-1", "ann-1-jti", rotation, ct));
        Assert.False(await sessions.TryRotateAsync("ann-1", "ann-1-jti", rotation with { NewJti = "branch" }, ct));

        // The current token becomes the previous one, replaced now; the session is used now and slides.
        var rotated = (await sessions.FindAsync("ann-1", ct))!;
        Assert.Equal(("ann-1-next", "ann-1-jti", now), (rotated.CurrentJti, rotated.PreviousJti, rotated.PreviousReplacedAt!.Value));
        Assert.Equal((now, now, now + app.RefreshTokenLifetime), (rotated.CurrentIssuedAt, rotated.LastUsedAt, rotated.ExpiresAt));
        Assert.Equal(start, rotated.CreatedAt);
        Assert.Null(rotated.RevokedAt);

        // Revocation: a session ends once, its first reason kept, and then no longer rotates.
        Assert.True(await sessions.RevokeAsync("ann-1", RevocationReasons.RevokedByUser, now, ct));
        Assert.False(await sessions.RevokeAsync("ann-1", RevocationReasons.Logout, now + TimeSpan.FromSeconds(1), ct));
        Assert.False(await sessions.RevokeAsync("no-such-session", RevocationReasons.Logout, now, ct));
        Assert.False(await sessions.TryRotateAsync("ann-1", "ann-1-next", rotation with { NewJti = "after-revoke" }, ct));
        var revoked = (await sessions.FindAsync("ann-1", ct))!;
        Assert.Equal(("ann-1-next", RevocationReasons.RevokedByUser, now), (revoked.CurrentJti, revoked.RevocationReason, revoked.RevokedAt!.Value));

        // Revoking all of a user's sessions ends each live one but the one named, counts only those,
        // and leaves another user's sessions alone.
        foreach (var id in new[] { "ann-2", "ann-3", "ann-4" }) await Create(id, "ann");
        await Create("bob-1", "bob");
        var later = now + TimeSpan.FromMinutes(1);
        Assert.Equal(2, await sessions.RevokeAllForUserAsync("ann", RevocationReasons.PasswordChanged, later, "ann-3", ct));
        Assert.Equal(0, await sessions.RevokeAllForUserAsync("ann", RevocationReasons.ForcedByAdmin, later, "ann-3", ct));
        var anns = (await sessions.ListForUserAsync("ann", ct)).OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => (s.Id, s.RevocationReason, s.RevokedAt));
        Assert.Equal(
        [
            ("ann-1", RevocationReasons.RevokedByUser, now), ("ann-2", RevocationReasons.PasswordChanged, later),
            ("ann-3", null, null), ("ann-4", RevocationReasons.PasswordChanged, later),
        ], anns);
        Assert.Null(Assert.Single(await sessions.ListForUserAsync("bob", ct)).RevokedAt);

        // Without a session named, the one left is ended too, and it alone is counted.
        Assert.Equal(1, await sessions.RevokeAllForUserAsync("ann", RevocationReasons.ForcedByAdmin, later, null, ct));
        Assert.Equal(RevocationReasons.ForcedByAdmin, (await sessions.FindAsync("ann-3", ct))!.RevocationReason);
        Assert.Null(Assert.Single(await sessions.ListForUserAsync("bob", ct)).RevokedAt);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task TheSweeperFreesExpiredSessionsAndRevokedOnesOnceTheirAccessTokensAreDead(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var revoked = await client.SignUpAndLoginAsync(delivery: "body");
        var live = await client.SignUpAndLoginAsync(delivery: "body");
        var sessions = app.Get<ISessionStore>();
        var sweeper = app.Get<IEnumerable<IHostedService>>().OfType<SessionSweeper>().Single();
        await sessions.RevokeAsync(SessionIdOf(revoked.Refresh), RevocationReasons.Logout, app.Time.GetUtcNow(), CancellationToken.None);

        // The hosted sweeper also ticks as the clock moves, so the test checks what is left.
        app.Time.Advance(app.AccessTokenLifetime);
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.NotNull(await sessions.FindAsync(SessionIdOf(revoked.Refresh), CancellationToken.None));
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Null(await sessions.FindAsync(SessionIdOf(revoked.Refresh), CancellationToken.None));
        Assert.NotNull(await sessions.FindAsync(SessionIdOf(live.Refresh), CancellationToken.None));

        app.Time.Advance(app.RefreshTokenLifetime);
        await sweeper.SweepOnceAsync(CancellationToken.None);
        Assert.Null(await sessions.FindAsync(SessionIdOf(live.Refresh), CancellationToken.None));
        var userId = HttpHelpers.Claims(live.AccessToken).GetProperty("sub").GetString()!;
        Assert.Empty(await sessions.ListForUserAsync(userId, CancellationToken.None));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task LoginFailuresCountWithinTheirWindowAndStartOverAfterIt(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var failures = app.Get<ILoginFailureStore>();
        var window = TimeSpan.FromMinutes(15);
        var start = app.Time.GetUtcNow();
        Task<LoginFailures> Fail(string key) => failures.RecordFailureAsync(key, app.Time.GetUtcNow(), window, CancellationToken.None);

        Assert.Equal(new LoginFailures(1, start + window), await Fail("account:a"));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new LoginFailures(2, start + window), await Fail("account:a"));
        Assert.Equal(new LoginFailures(1, app.Time.GetUtcNow() + window), await Fail("account:b"));

        app.Time.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(new LoginFailures(1, app.Time.GetUtcNow() + window), await Fail("account:a"));
        Assert.Equal(new LoginFailures(2, app.Time.GetUtcNow() + window), await Fail("account:a"));

        await failures.ClearAsync("account:a", CancellationToken.None);
        Assert.Equal(new LoginFailures(1, app.Time.GetUtcNow() + window), await Fail("account:a"));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task UsersAreListedInSignupOrderAndUpdatesPersist(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var first = HttpHelpers.NewEmail();
        var second = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(second)).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(first)).StatusCode);

        var users = app.Get<IUserStore>();
        var listed = await users.ListAsync(CancellationToken.None);
        Assert.Equal([second, first], listed.Select(u => u.Email));
        var user = listed[0];
        await users.AddRoleAsync(user.Id, "admin", CancellationToken.None);
        await users.AddRoleAsync(user.Id, "editor", CancellationToken.None);
        await users.AddRoleAsync(user.Id, "admin", CancellationToken.None);
        await users.UpdateNameAsync(user.Id, "Renamed", CancellationToken.None);

        var found = (await users.FindByEmailAsync(user.NormalizedEmail, CancellationToken.None))!;
        Assert.Equal(["admin", "editor"], found.Roles);
        Assert.Equal("Renamed", found.Name);
        Assert.Equal(user.PasswordHash, found.PasswordHash);

        // A password hash changes only over the hash it replaces.
        Assert.False(await users.TryReplacePasswordHashAsync(user.Id, "$argon2id$not-the-hash", "$argon2id$other", CancellationToken.None));
        Assert.Equal(user.PasswordHash, (await users.FindByIdAsync(user.Id, CancellationToken.None))!.PasswordHash);
        await users.UpdateNameAsync(user.Id, null, CancellationToken.None);
        Assert.Null((await users.FindByIdAsync(user.Id, CancellationToken.None))!.Name);
        Assert.Equal(user.Id, (await users.FindByIdAsync(user.Id, CancellationToken.None))!.Id);
        Assert.Null(await users.FindByIdAsync("nobody", CancellationToken.None));

        var login = await client.LoginAsync(second);
        var roles = HttpHelpers.Claims(login.AccessToken).GetProperty("roles").EnumerateArray().Select(r => r.GetString());
        Assert.Equal(["admin", "editor"], roles);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task SigningKeysSurviveARestartAndARotatedKeyLeavesOldTokensValid(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        string firstKid, rotatedKid;
        DateTimeOffset signsFrom;
        Login before;
        await using (var app = store.NewApp())
        {
            var client = app.NewClient();
            before = await client.SignUpAndLoginAsync(delivery: "body");
            firstKid = HttpHelpers.Header(before.AccessToken).GetProperty("kid").GetString()!;
            (rotatedKid, signsFrom) = await app.Get<SigningKeyRing>().RotateAsync(CancellationToken.None);
            Assert.NotEqual(firstKid, rotatedKid);
        }

        await using var restarted = store.NewApp();
        var again = restarted.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await again.FetchProfileAsync(before.AccessToken)).StatusCode);
        // The rotated key waits for its moment across a restart too, then signs.
        var meanwhile = await HttpHelpers.ReadLoginAsync(await again.RestoreWithBearerAsync(before.Refresh));
        Assert.Equal(firstKid, HttpHelpers.Header(meanwhile.AccessToken).GetProperty("kid").GetString());
        restarted.Time.Advance(signsFrom - restarted.Time.GetUtcNow());
        var after = await HttpHelpers.ReadLoginAsync(await again.RestoreWithBearerAsync(meanwhile.Refresh));
        Assert.Equal(rotatedKid, HttpHelpers.Header(after.AccessToken).GetProperty("kid").GetString());
        Assert.Equal(HttpStatusCode.OK, (await again.FetchProfileAsync(before.AccessToken)).StatusCode);
        var kids = (await (await again.GetAsync("/.well-known/jwks.json")).JsonAsync()).GetProperty("keys")
            .EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToHashSet();
        Assert.Equal([firstKid, rotatedKid], kids);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task AccountTokensAreTakenOnceOnlyWhileAliveAndOnlyForTheirKind(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var tokens = app.Get<IAccountTokenStore>();
        var ct = CancellationToken.None;
        var now = app.Time.GetUtcNow();
        Task Add(string id, string userId, string kind, TimeSpan lifetime, string? data = null) => tokens.AddAsync(new AccountTokenRecord
        {
            Id = id, UserId = userId, Kind = kind, Data = data, CreatedAt = now, ExpiresAt = now + lifetime,
        }, ct);
        await Add("reset-1", "ann", AccountTokenKinds.PasswordReset, TimeSpan.FromMinutes(30), "ANN@EXAMPLE.TEST");
        await Add("verify-1", "ann", AccountTokenKinds.EmailVerification, TimeSpan.FromMinutes(30));
        await Add("change-1", "ann", AccountTokenKinds.EmailChange, TimeSpan.FromMinutes(30), "new@example.test");
        await Add("reset-2", "bob", AccountTokenKinds.PasswordReset, TimeSpan.FromMinutes(10));

        // Another kind, or an unknown hash, takes nothing and spends nothing.
        Assert.Null(await tokens.TakeAsync("reset-1", AccountTokenKinds.EmailVerification, now, ct));
        Assert.Null(await tokens.TakeAsync("no-such-token", AccountTokenKinds.PasswordReset, now, ct));
        // Alive up to and including ExpiresAt, then taken once.
        var taken = await tokens.TakeAsync("reset-1", AccountTokenKinds.PasswordReset, now + TimeSpan.FromMinutes(30), ct);
        Assert.Equal(("ann", AccountTokenKinds.PasswordReset, "ANN@EXAMPLE.TEST", now, now + TimeSpan.FromMinutes(30)),
            (taken!.UserId, taken.Kind, taken.Data, taken.CreatedAt, taken.ExpiresAt));
        Assert.Null(await tokens.TakeAsync("reset-1", AccountTokenKinds.PasswordReset, now, ct));
        Assert.Null(await tokens.TakeAsync("reset-2", AccountTokenKinds.PasswordReset, now + TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1), ct));

        // Two callers at once: one gets the token.
        await Add("raced", "ann", AccountTokenKinds.PasswordReset, TimeSpan.FromMinutes(30));
        var racers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => tokens.TakeAsync("raced", AccountTokenKinds.PasswordReset, now, ct)));
        Assert.Single(racers, t => t is not null);

        // By user and kind, or every kind; the sweep frees what expired.
        await Add("reset-3", "ann", AccountTokenKinds.PasswordReset, TimeSpan.FromMinutes(30));
        Assert.Equal(1, await tokens.DeleteForUserAsync("ann", AccountTokenKinds.PasswordReset, ct));
        Assert.Equal(2, await tokens.DeleteForUserAsync("ann", null, ct));
        Assert.Null(await tokens.TakeAsync("change-1", AccountTokenKinds.EmailChange, now, ct));
        Assert.Equal(1, await tokens.DeleteExpiredAsync(now + TimeSpan.FromMinutes(11), ct));
        Assert.Equal(0, await tokens.DeleteExpiredAsync(now + TimeSpan.FromMinutes(11), ct));
    }

    [Theory, OnLiteDb, OnServers]
    public async Task EmailsAreVerifiedAndChangedOnlyOverTheAddressTheyHadAndAUserIsDeletedForGood(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var users = app.Get<IUserStore>();
        var ct = CancellationToken.None;
        var taken = await client.NewAccountAsync();
        var email = await client.NewAccountAsync();
        var user = (await users.FindByEmailAsync(email.ToUpperInvariant(), ct))!;
        Assert.False(user.EmailVerified);

        Assert.False(await users.TryMarkEmailVerifiedAsync(user.Id, "OTHER@EXAMPLE.TEST", ct));
        Assert.False((await users.FindByIdAsync(user.Id, ct))!.EmailVerified);
        Assert.True(await users.TryMarkEmailVerifiedAsync(user.Id, user.NormalizedEmail, ct));
        Assert.True((await users.FindByIdAsync(user.Id, ct))!.EmailVerified);

        // Not over another address than the current one, not onto a taken one.
        Assert.False(await users.TryChangeEmailAsync(user.Id, "OTHER@EXAMPLE.TEST", "new@example.test", "NEW@EXAMPLE.TEST", ct));
        Assert.False(await users.TryChangeEmailAsync(user.Id, user.NormalizedEmail, taken, taken.ToUpperInvariant(), ct));
        Assert.Equal(email, (await users.FindByIdAsync(user.Id, ct))!.Email);
        Assert.True(await users.TryChangeEmailAsync(user.Id, user.NormalizedEmail, "New@Example.test", "NEW@EXAMPLE.TEST", ct));
        var changed = (await users.FindByEmailAsync("NEW@EXAMPLE.TEST", ct))!;
        Assert.Equal((user.Id, "New@Example.test", true, user.PasswordHash), (changed.Id, changed.Email, changed.EmailVerified, changed.PasswordHash));
        Assert.Null(await users.FindByEmailAsync(user.NormalizedEmail, ct));

        Assert.True(await users.DeleteAsync(user.Id, ct));
        Assert.False(await users.DeleteAsync(user.Id, ct));
        Assert.Null(await users.FindByIdAsync(user.Id, ct));
        Assert.Equal([taken], (await users.ListAsync(ct)).Select(u => u.Email));
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync("new@example.test")).StatusCode);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task APasswordResetEndsTheSessionsAndVerifiesTheEmailOnEveryBackend(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var login = await client.LoginAsync(email, delivery: "body");
        var token = await app.ResetTokenAsync(client, email);

        Assert.Equal(HttpStatusCode.NoContent, (await client.ResetPasswordAsync(token)).StatusCode);
        await (await client.ResetPasswordAsync(token)).AssertTokenRefusedAsync();

        Assert.Equal(RevocationReasons.PasswordReset, await client.EndReasonAsync(login.AccessToken));
        var again = await client.LoginAsync(email, RecoveryTestHelpers.NewPassword);
        Assert.True(HttpHelpers.Claims(again.AccessToken).GetProperty("email_verified").GetBoolean());
    }
    [Theory, OnLiteDb, OnServers]
    public async Task TheStoredAuditTrailPagesNewestFirstFiltersAndIsSwept(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp(settings: AuditTestHelpers.WithAdmin(new Dictionary<string, string?> { ["MiniAuth:Audit:Retention"] = "10.00:00:00" }));
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var restored = await HttpHelpers.ReadLoginAsync(await client.RestoreWithBearerAsync(login.Refresh));
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", restored.AccessToken)).StatusCode);
        var admin = await client.LoginAsync(AuditTestHelpers.AdminEmail, AuditTestHelpers.AdminPassword);

        var url = $"/admin/audit?userId={login.UserId()}&limit=3";
        var first = await app.AuditPageAsync(client, admin.AccessToken, url);
        var second = await app.AuditPageAsync(client, admin.AccessToken, $"{url}&before={first.GetProperty("next").GetString()}");
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        var items = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).ToArray();
        Assert.Equal("LoggedOut,TokenRefreshed,NewDeviceSignIn,LoginSucceeded,SignedUp", string.Join(",", items.Select(i => i.Text("type"))));
        Assert.All(items.Take(3), i => Assert.Equal(SessionIdOf(login.AccessToken), i.Text("sessionId")));
        Assert.Equal(MiniAuthApp.Epoch.AddSeconds(1), items[0].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(MiniAuthApp.Epoch, items[4].GetProperty("at").GetDateTimeOffset());
        var own = await app.AuditItemsAsync(client, admin.AccessToken, "/profile/activity");
        Assert.Equal("NewDeviceSignIn,LoginSucceeded", string.Join(",", own.Select(i => i.Text("type"))));
        Assert.Equal(admin.UserId(), own[0].Text("userId"));
        Assert.All(own, i => Assert.Equal(admin.UserId(), i.Text("userId")));

        app.Time.Advance(TimeSpan.FromDays(10));
        var sweeper = app.Services.GetServices<IHostedService>().OfType<SessionSweeper>().Single();
        await sweeper.SweepOnceAsync(CancellationToken.None);
        await app.FlushAuditAsync();
        var left = await app.Get<IAuditStore>().ListAsync(new AuditQuery(login.UserId(), null, null, 100), CancellationToken.None);
        Assert.Equal("LoggedOut,TokenRefreshed", string.Join(",", left.Select(e => e.Type)));
    }
}
