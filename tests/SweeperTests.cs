using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

public class SweeperTests
{
    [Fact]
    public async Task TheSweeperDeletesExpiredSessionsOnceTheirLastAccessTokenHasExpiredToo()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        for (var i = 0; i < 3; i++) await client.SignUpAndLoginAsync();
        var sweeper = Sweeper(app);

        // Moving the clock also ticks the running sweeper: the store's contents are what count.
        // An expired session is kept while its access tokens live, so their 401 can say why.
        app.Time.Advance(app.RefreshTokenLifetime + app.AccessTokenLifetime);
        await sweeper.SweepOnceAsync(default);
        Assert.Equal(3, await CountSessionsAsync(app));

        app.Time.Advance(TimeSpan.FromSeconds(1));
        await sweeper.SweepOnceAsync(default);
        Assert.Equal(0, await CountSessionsAsync(app));
    }

    // Within the clock skew a token is still taken for alive past its exp, so its 401 can say why.
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:02:00")]
    public async Task ARevokedSessionIsKeptToTellWhyAsLongAsItsAccessTokensAreStillAccepted(string clockSkew)
    {
        var skew = TimeSpan.Parse(clockSkew, CultureInfo.InvariantCulture);
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:ClockSkew"] = clockSkew });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", login.AccessToken);
        var sweeper = Sweeper(app);

        app.Time.Advance(app.AccessTokenLifetime + skew - TimeSpan.FromSeconds(1));
        await sweeper.SweepOnceAsync(default);
        Assert.Equal(1, await CountSessionsAsync(app));
        Assert.Contains("logout", (await (await client.FetchProfileAsync(login.AccessToken)).JsonAsync()).GetProperty("detail").GetString());

        app.Time.Advance(TimeSpan.FromSeconds(2));
        await sweeper.SweepOnceAsync(default);
        Assert.Equal(0, await CountSessionsAsync(app));
    }

    [Fact]
    public async Task TheRunningSweeperEmptiesExpiredSessionsEveryInterval()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:Sweeper:Interval"] = "00:10:00" });
        var client = app.NewClient();
        await client.SignUpAndLoginAsync();
        Assert.Equal(1, await CountSessionsAsync(app));
        var pass = Sweeper(app).NextPassAsync();

        app.Time.Advance(app.RefreshTokenLifetime + app.AccessTokenLifetime + TimeSpan.FromMinutes(10));

        // The timer fired on the fake clock; its sweep runs on the thread pool. The timeout makes a
        // sweeper that never runs fail here rather than hang.
        await pass.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await CountSessionsAsync(app));
    }

    [Fact]
    public async Task AFailedSweepIsLoggedAndDoesNotStopTheHost()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var sweeper = Sweeper(app);
        app.Get<MiniAuth.Storage.LiteDb.LiteDbContext>().Dispose();

        Assert.Equal(0, await sweeper.SweepOnceAsync(default));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/.well-known/jwks.json")).StatusCode);
    }

    static SessionSweeper Sweeper(MiniAuthApp app) => app.Services.GetServices<IHostedService>().OfType<SessionSweeper>().Single();

    static async Task<int> CountSessionsAsync(MiniAuthApp app)
    {
        var users = await app.Get<IUserStore>().ListAsync(default);
        var count = 0;
        foreach (var user in users) count += (await app.Get<ISessionStore>().ListForUserAsync(user.Id, default)).Count;
        return count;
    }
}
