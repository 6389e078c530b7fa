using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth.Tokens;
using MiniAuth.Auth;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// A login that verified a password must not leave a live session once that password has been
// changed: the change ends every session, and a login that lost the race ends its own. The
// interleavings are forced by holding one store call of the racing login until the test has run
// the other request, on LiteDB and on PostgreSQL + Redis.
public class LoginPasswordChangeRaceTests
{
    const string NewPassword = "a brand new passphrase";

    [Theory, OnLiteDb, OnServers]
    public Task ALoginOvertakenByAPasswordChangeBeforeItsSessionExistsIs401AndLeavesNoLiveSession(Backend backend) =>
        LoginRacingAPasswordChangeAsync(backend, changeAfterSessionCreated: false);

    [Theory, OnLiteDb, OnServers]
    public Task ALoginOvertakenByAPasswordChangeRightAfterItsSessionExistsIs401AndLeavesNoLiveSession(Backend backend) =>
        LoginRacingAPasswordChangeAsync(backend, changeAfterSessionCreated: true);

    static async Task LoginRacingAPasswordChangeAsync(Backend backend, bool changeAfterSessionCreated)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var hold = new Hold();
        await using var raced = app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.Decorate<ISessionStore>(inner => new HoldingSessionStore(inner, hold, changeAfterSessionCreated))));
        var client = NewClient(raced);
        var email = HttpHelpers.NewEmail();
        var owner = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        var wrongPassword = await (await client.PostLoginAsync(email, "not the password at all", "body"))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);

        // The old password verifies; its session is created, or about to be, when the owner changes it.
        hold.Arm();
        var login = client.PostLoginAsync(email, HttpHelpers.Password, "body");
        var session = await hold.Reached;
        var change = await client.SendWithBearerAsync(HttpMethod.Post, "/profile/password", owner.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword = NewPassword });
        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        hold.Release();

        var refused = await (await login).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(wrongPassword.GetProperty("title").GetString(), refused.GetProperty("title").GetString());
        Assert.Equal(wrongPassword.GetProperty("detail").GetString(), refused.GetProperty("detail").GetString());
        Assert.False(refused.TryGetProperty("accessToken", out _));

        // The session that login created is dead: a refresh token for it (had one leaked) is
        // refused, and the owner's list shows only the owner's own session.
        var refreshToken = raced.Services.GetRequiredService<TokenService>().CreateRefreshToken(session);
        var restore = await (await client.RestoreWithBearerAsync(refreshToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(RevocationReasons.PasswordChanged, restore.GetProperty("reason").GetString());
        var live = await client.ListSessionsAsync(owner.AccessToken);
        Assert.Equal(new[] { owner.SessionId() }, live.Select(s => s.GetProperty("id").GetString()));
        app.Logs.AssertAudit("LoginOvertakenByPasswordChange", ("UserId", owner.UserId()), ("SessionId", session.Id));
        Assert.DoesNotContain(app.Logs.All, line => line.Contains("Login: ") && line.Contains(session.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email, HttpHelpers.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email, NewPassword)).StatusCode);
    }

    // Two logins with an old-parameter hash: the other one's rehash lands between this one's
    // verify and its check. The password did not change, so both logins keep their sessions.
    [Theory, OnLiteDb, OnServers]
    public async Task ALoginWhoseHashWasRehashedMeanwhileByAnotherLoginStillSucceeds(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var hold = new Hold();
        await using var raced = app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.Decorate<IUserStore>(inner => new HoldingUserStore(inner, hold))));
        var client = NewClient(raced);
        var email = HttpHelpers.NewEmail();
        var owner = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        var legacy = await GiveOldParameterHashAsync(raced.Services, owner.UserId());

        hold.Arm();
        var first = client.PostLoginAsync(email, HttpHelpers.Password, "body");
        await hold.Reached;
        var second = await client.LoginAsync(email, delivery: "body");
        hold.Release();
        var firstLogin = await HttpHelpers.ReadLoginAsync(await first);

        Assert.Equal(HttpStatusCode.OK, firstLogin.Response.StatusCode);
        var live = (await client.ListSessionsAsync(second.AccessToken)).Select(s => s.GetProperty("id").GetString()!);
        Assert.Equal(new[] { owner.SessionId(), second.SessionId(), firstLogin.SessionId() }.Order(), live.Order());
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(firstLogin.Refresh)).StatusCode);
        var stored = (await raced.Services.GetRequiredService<IUserStore>().FindByIdAsync(owner.UserId(), CancellationToken.None))!.PasswordHash;
        Assert.NotEqual(legacy, stored);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", stored);
    }

    [Theory, OnLiteDb, OnServers]
    public async Task ALoginThatRehashesAnOldParameterHashAndAPlainLoginBothKeepTheirSessions(Backend backend)
    {
        await using var store = await TestBackend.CreateAsync(backend);
        await using var app = store.NewApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var owner = await client.SignUpAndLoginAsync(delivery: "body", email: email);
        var legacy = await GiveOldParameterHashAsync(app.Services, owner.UserId());

        var rehashing = await client.LoginAsync(email, delivery: "body");
        var stored = (await app.Get<IUserStore>().FindByIdAsync(owner.UserId(), CancellationToken.None))!.PasswordHash;
        Assert.NotEqual(legacy, stored);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", stored);
        var plain = await client.LoginAsync(email, delivery: "body");

        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(rehashing.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(rehashing.Refresh)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(plain.Refresh)).StatusCode);
        Assert.Equal(3, (await client.ListSessionsAsync(plain.AccessToken)).Length);
    }

    static HttpClient NewClient(WebApplicationFactory<Program> app) => app.CreateClient(new WebApplicationFactoryClientOptions
    {
        HandleCookies = false,
        AllowAutoRedirect = false,
        BaseAddress = new Uri("https://localhost"),
    });

    // The same password under parameters other than the app's, so that the next login rehashes it.
    static async Task<string> GiveOldParameterHashAsync(IServiceProvider services, string userId)
    {
        using var oldHasher = new PasswordHasher(Options.Create(new PasswordHashingOptions { MemoryKiB = 128, Iterations = 1, Parallelism = 1 }));
        var legacy = await oldHasher.HashAsync(HttpHelpers.Password, CancellationToken.None);
        var users = services.GetRequiredService<IUserStore>();
        var current = (await users.FindByIdAsync(userId, CancellationToken.None))!.PasswordHash;
        Assert.True(await users.TryReplacePasswordHashAsync(userId, current, legacy, CancellationToken.None));
        return legacy;
    }

    // Holds the first call made after Arm() until Release(); every other call passes straight
    // through. Reached says which session (if any) the held call was about.
    sealed class Hold
    {
        readonly TaskCompletionSource<SessionRecord> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        int _armed;

        public void Arm() => Volatile.Write(ref _armed, 1);

        public Task<SessionRecord> Reached => _reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        public void Release() => _released.TrySetResult();

        public async Task IfArmedAsync(SessionRecord? session)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 0) return;
            _reached.SetResult(session ?? new SessionRecord());
            await _released.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    // Holds a login just before (or just after) it creates its session.
    sealed class HoldingSessionStore(ISessionStore inner, Hold hold, bool afterCreate) : ISessionStore
    {
        public async Task CreateAsync(SessionRecord session, CancellationToken ct)
        {
            if (!afterCreate) await hold.IfArmedAsync(session);
            await inner.CreateAsync(session, ct);
            if (afterCreate) await hold.IfArmedAsync(session);
        }

        public Task<SessionRecord?> FindAsync(string id, CancellationToken ct) => inner.FindAsync(id, ct);
        public Task<SessionCheckpoint> CheckpointAsync() => inner.CheckpointAsync();
        public Task<SessionRecord?> FindForAccessCheckAsync(string id, SessionCheckpoint checkpoint, CancellationToken ct) =>
            inner.FindForAccessCheckAsync(id, checkpoint, ct);
        public Task<bool> TryRotateAsync(string id, string expectedJti, SessionRotation rotation, CancellationToken ct) =>
            inner.TryRotateAsync(id, expectedJti, rotation, ct);
        public Task<bool> RevokeAsync(string id, string reason, DateTimeOffset now, CancellationToken ct) => inner.RevokeAsync(id, reason, now, ct);
        public Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct) =>
            inner.RevokeAllForUserAsync(userId, reason, now, exceptSessionId, ct);
        public Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct) => inner.ListForUserAsync(userId, ct);
        public Task<int> DeleteEndedAsync(DateTimeOffset endedBefore, CancellationToken ct) => inner.DeleteEndedAsync(endedBefore, ct);
        public Task<RevokedSessionsPage?> ListRevokedAsync(string? after, DateTimeOffset revokedSince, int limit, CancellationToken ct) =>
            inner.ListRevokedAsync(after, revokedSince, limit, ct);
    }

    // Holds a login just before its rehash writes.
    sealed class HoldingUserStore(IUserStore inner, Hold hold) : ForwardingUserStore(inner)
    {
        public override async Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, CancellationToken ct)
        {
            await hold.IfArmedAsync(null);
            return await Inner.TryReplacePasswordHashAsync(id, expectedHash, newHash, ct);
        }
    }
}
