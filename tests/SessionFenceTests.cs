using System.Diagnostics;

namespace MiniAuth.Tests;

// On Redis an instance answers access checks from sessions it has read before, while the fence
// that every revocation moves stands still (Storage/Redis/RedisSessionFence.cs). These are the
// ways such a copy could outlive what it copies: each must end it at once.
public class SessionFenceTests
{
    [ServersFact]
    public async Task APasswordChangeOnInstanceAEndsTheOtherSessionsOnInstanceBAtOnceThoughBHadCheckedThem()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var client = a.NewClient();
        var email = await client.NewAccountAsync();
        var elsewhere = await client.LoginAsync(email, delivery: "body");
        var here = await client.LoginAsync(email, delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(elsewhere.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(here.AccessToken)).StatusCode);

        var change = await client.SendAsync(HttpMethod.Post, "/profile/password", here.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword = "a brand new passphrase 42" });

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        Assert.Equal("The session was ended: password changed.", await b.NewClient().RefusedDetailAsync(elsewhere.AccessToken));
        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(here.AccessToken)).StatusCode);
    }

    [ServersFact]
    public async Task SessionsInstanceBHadCheckedAreRefusedOnceRedisComesBackEmpty()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var login = await a.NewClient().SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(login.AccessToken)).StatusCode);

        // As a Redis restarted without persistence: every key of this deployment gone, the fence too.
        await store.DeleteRedisKeysAsync();

        var refused = await (await b.NewClient().FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The session has ended.", refused.GetProperty("detail").GetString());
    }

    [ServersFact]
    public async Task ASessionThatInstanceARotatedPastTheExpiryBKeptIsStillAliveOnB()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var login = await a.NewClient().SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(login.AccessToken)).StatusCode);

        // A refresh half an access token's life before the session would have ended moves its end;
        // B's copy still has the old one, which then passes while the new access token lives.
        a.Time.Advance(a.RefreshTokenLifetime - a.AccessTokenLifetime / 2);
        var rotated = await HttpHelpers.ReadLoginAsync(await a.NewClient().RestoreWithBearerAsync(login.Refresh));
        a.Time.Advance(a.AccessTokenLifetime / 4 * 3);

        Assert.Equal(HttpStatusCode.OK, (await b.NewClient().FetchProfileAsync(rotated.AccessToken)).StatusCode);
    }

    [ServersFact]
    public async Task NoRequestThatBeganAfterALogoutOnAAnsweredIsAcceptedOnBWhileBIsBusy()
    {
        await using var store = await TestBackend.CreateAsync(Backend.Servers);
        var (a, b) = store.TwoInstances();
        await using var _ = a; await using var __ = b;
        var login = await a.NewClient().SignUpAndLoginAsync(delivery: "body");
        var client = b.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        // Eight callers keep B's shared fence reads in flight while A ends the session; they stop
        // once they have made 400 requests that began after the logout answered. (This catches a
        // fence that does not move; a read shared with callers it was sent before is a race too
        // narrow to catch here, CoalescedReadTests pins it.)
        long loggedOutAt = long.MaxValue;
        int answered = 0, after = 0, acceptedAfter = 0;
        var warmedUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref after) < 400)
            {
                var began = Stopwatch.GetTimestamp();
                var response = await client.FetchProfileAsync(login.AccessToken);
                if (Interlocked.Increment(ref answered) == 200) warmedUp.TrySetResult();
                if (began <= Interlocked.Read(ref loggedOutAt)) continue;
                Interlocked.Increment(ref after);
                if (response.StatusCode != HttpStatusCode.Unauthorized) Interlocked.Increment(ref acceptedAfter);
            }
        })).ToList();
        await warmedUp.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.Authorization = new("Bearer", login.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, (await a.NewClient().SendAsync(logout)).StatusCode);
        Interlocked.Exchange(ref loggedOutAt, Stopwatch.GetTimestamp());
        await Task.WhenAll(callers);

        Assert.Equal(0, acceptedAfter);
        await (await client.FetchProfileAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
