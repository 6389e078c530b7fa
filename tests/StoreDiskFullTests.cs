namespace MiniAuth.Tests;

// The LiteDB store on a real disk that fills up: an outage while it is full (503, Retry-After,
// a detail that says so), the service itself again once it has room, without a restart and
// without losing anything it acknowledged.
public class StoreDiskFullTests
{
    static readonly Dictionary<string, string?> ManyLogins = new() { ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "1000" };

    [SmallDiskFact]
    public async Task AFullDiskIs503WithRetryAfterAndTheStoreTakesWritesAgainOnceThereIsRoom()
    {
        using var disk = SmallDisk.Mount(megabytes: 4);
        var path = Path.Combine(disk.Folder, "miniauth.db");
        var acknowledged = new List<string>();
        await using (var app = new MiniAuthApp(path, ManyLogins))
        {
            var client = app.NewClient();
            for (var i = 0; i < 5; i++) acknowledged.Add(await client.NewAccountAsync());
            var signedIn = await client.LoginAsync(acknowledged[0]);

            disk.Fill();

            var refused = await (await client.SignUpAsync(HttpHelpers.NewEmail())).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal("store_unavailable", refused.GetProperty("code").GetString());
            Assert.Contains("disk is full", refused.GetProperty("detail").GetString());
            var again = await client.SignUpAsync(HttpHelpers.NewEmail());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), again.Headers.RetryAfter?.Delta);
            // A login writes its session: refused alike. Reads still answer.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostLoginAsync(acknowledged[1])).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(signedIn.AccessToken)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/.well-known/jwks.json")).StatusCode);
            var health = await (await client.GetAsync("/health")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("disk is full", health.GetProperty("detail").GetString());

            disk.Free();

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
            acknowledged.Add(await client.NewAccountAsync());
            foreach (var email in acknowledged) await client.LoginAsync(email);
        }

        // And they are in the file, not only in the engine's memory.
        await using var restarted = new MiniAuthApp(path, ManyLogins);
        var fresh = restarted.NewClient();
        foreach (var email in acknowledged) await fresh.LoginAsync(email);
    }

    // The store knows the sessions it wrote (KnownSessions) and forgets one before each write: a
    // refresh and a logout that a full disk refuses leave the session as it is stored, and once
    // there is room the refused refresh token rotates and the logout ends the session at once.
    [SmallDiskFact]
    public async Task ARefreshAndALogoutThatAFullDiskRefusesLeaveTheSessionAsItWas()
    {
        using var disk = SmallDisk.Mount(megabytes: 4);
        await using var app = new MiniAuthApp(Path.Combine(disk.Folder, "miniauth.db"), ManyLogins);
        var client = app.NewClient();
        var login = await client.LoginAsync(await client.NewAccountAsync());
        var first = await client.RestoreWithBearerAsync(login.RefreshToken ?? login.Cookie!.Value.ToString());
        var known = await HttpHelpers.ReadLoginAsync(first);
        var refresh = known.RefreshToken!;

        disk.Fill();

        Assert.Equal(HttpStatusCode.ServiceUnavailable,
            (await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", refresh)).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.RestoreWithBearerAsync(refresh)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(known.AccessToken)).StatusCode);

        disk.Free();
        // Past the reuse grace: a store that took the refused rotation for done would call this reuse.
        app.Time.Advance(TimeSpan.FromSeconds(11));

        var rotated = await client.RestoreWithBearerAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newest = await HttpHelpers.ReadLoginAsync(rotated);
        Assert.Equal(HttpStatusCode.NoContent,
            (await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", newest.RefreshToken!)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(newest.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(known.AccessToken)).StatusCode);
    }
}
