using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MiniAuth.Tests;

// MiniAuth and the samples/Board resource service side by side: Board finds MiniAuth's keys
// through its discovery document, as it would over the network.
public class BoardSampleTests
{
    sealed class BoardApp(MiniAuthApp miniAuth, bool checksType = true, IDictionary<string, string?>? settings = null) : WebApplicationFactory<Board.Program>
    {
        public MiniAuth.AspNetCore.RevokedSessionList Revoked => Services.GetRequiredService<MiniAuth.AspNetCore.RevokedSessionList>();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Board:Authority"] = "https://localhost",
                ["Board:Issuer"] = miniAuth.TokenOptions.Issuer,
                ["Board:Audience"] = miniAuth.TokenOptions.Audience,
            }.Concat(settings ?? new Dictionary<string, string?>())));
            // Discovery, JWKS and the revoked-sessions feed are fetched from the in-memory MiniAuth
            // instead of a socket; Board's poller runs on MiniAuth's fake clock.
            builder.ConfigureServices(services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme,
                bearer => bearer.BackchannelHttpHandler = miniAuth.Server.CreateHandler()));
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(miniAuth.Time));
            // A resource service set up the obvious way, without a typ check.
            if (!checksType)
                builder.ConfigureServices(services => services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme,
                    bearer => bearer.TokenValidationParameters.ValidTypes = null));
        }
    }

    static Task<HttpResponseMessage> CallBoardAsync(HttpClient board, string? token, HttpMethod? method = null, object? body = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, "/board/me");
        if (body is not null) { request.RequestUri = new Uri("/board", UriKind.Relative); request.Content = JsonContent.Create(body); }
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return board.SendAsync(request);
    }

    [Fact]
    public async Task ABoardThatDoesNotCheckTheTokenTypeStillRefusesARefreshToken()
    {
        await using var miniAuth = new MiniAuthApp();
        var login = await miniAuth.NewClient().SignUpAndLoginAsync(delivery: "body");
        await using var boardApp = new BoardApp(miniAuth, checksType: false);
        var board = boardApp.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, login.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallBoardAsync(board, login.Refresh)).StatusCode);
        Assert.NotEqual(miniAuth.TokenOptions.Audience, HttpHelpers.Claims(login.Refresh).GetProperty("aud").GetString());
    }

    [Fact]
    public async Task BoardAcceptsAMiniAuthAccessTokenAndRefusesATamperedOneAndARefreshToken()
    {
        await using var miniAuth = new MiniAuthApp();
        var email = HttpHelpers.NewEmail();
        var login = await miniAuth.NewClient().SignUpAndLoginAsync(delivery: "body", email: email);
        await using var boardApp = new BoardApp(miniAuth);
        var board = boardApp.CreateClient();

        var me = await CallBoardAsync(board, login.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var who = await me.JsonAsync();
        Assert.Equal(HttpHelpers.Claims(login.AccessToken).GetProperty("sub").GetString(), who.GetProperty("userId").GetString());
        Assert.Equal(email, who.GetProperty("email").GetString());

        var pinned = await CallBoardAsync(board, login.AccessToken, HttpMethod.Post, new { text = "hello from a MiniAuth user" });
        Assert.Equal(HttpStatusCode.Created, pinned.StatusCode);
        Assert.Equal(email, (await pinned.JsonAsync()).GetProperty("author").GetString());

        // The same claims under another user id: the signature no longer matches.
        var parts = login.AccessToken.Split('.');
        var claims = HttpHelpers.Claims(login.AccessToken).GetRawText().Replace(who.GetProperty("userId").GetString()!, "someone-else");
        var tampered = $"{parts[0]}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(claims)}.{parts[2]}";
        var refused = await CallBoardAsync(board, tampered);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString());

        // Signed by the same key for the same audience, but a refresh token is not an access token.
        var withRefresh = await CallBoardAsync(board, login.RefreshToken!);
        Assert.Equal(HttpStatusCode.Unauthorized, withRefresh.StatusCode);
        Assert.Contains("invalid_token", withRefresh.Headers.WwwAuthenticate.ToString());

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallBoardAsync(board, null)).StatusCode);
    }

    [Fact]
    public async Task BoardVerifiesTokensSignedWithAKeyMiniAuthRotatedTo()
    {
        await using var miniAuth = new MiniAuthApp();
        var client = miniAuth.NewClient();
        var before = await client.SignUpAndLoginAsync(delivery: "body");
        await using var boardApp = new BoardApp(miniAuth);
        var board = boardApp.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, before.AccessToken)).StatusCode);

        var rotated = await miniAuth.Get<MiniAuth.Auth.Tokens.SigningKeyRing>().RotateAsync(CancellationToken.None);
        // Until the new key signs, tokens issued now pass at the first call: the old key signs them.
        var meanwhile = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpHelpers.Header(before.AccessToken).GetProperty("kid").GetString(),
            HttpHelpers.Header(meanwhile.AccessToken).GetProperty("kid").GetString());
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, meanwhile.AccessToken)).StatusCode);
        miniAuth.Time.Advance(rotated.SignsFrom - miniAuth.Time.GetUtcNow());
        var after = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(rotated.KeyId, HttpHelpers.Header(after.AccessToken).GetProperty("kid").GetString());

        // This Board read the JWKS before the rotation. JwtBearer refetches it when a token names a
        // kid it has not seen; it does so in the background, so the first calls may still be
        // refused (here: retried until a deadline).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do { status = (await CallBoardAsync(board, after.AccessToken)).StatusCode; }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, before.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task ABoardThatReadTheJwksAfterARotationAcceptsTheFirstTokenOfTheNewKeyAtOnce()
    {
        await using var miniAuth = new MiniAuthApp();
        var client = miniAuth.NewClient();
        var before = await client.SignUpAndLoginAsync(delivery: "body");
        var rotated = await miniAuth.Get<MiniAuth.Auth.Tokens.SigningKeyRing>().RotateAsync(CancellationToken.None);

        // Board starts (and reads the JWKS) while the old key still signs.
        await using var boardApp = new BoardApp(miniAuth);
        var board = boardApp.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, before.AccessToken)).StatusCode);
        var meanwhile = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(HttpHelpers.Header(before.AccessToken).GetProperty("kid").GetString(),
            HttpHelpers.Header(meanwhile.AccessToken).GetProperty("kid").GetString());

        // The new key was published before it signed: no refetch, no refused call.
        miniAuth.Time.Advance(rotated.SignsFrom - miniAuth.Time.GetUtcNow());
        var after = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal(rotated.KeyId, HttpHelpers.Header(after.AccessToken).GetProperty("kid").GetString());
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, after.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task BoardRefusesALoggedOutSessionsAccessTokenWithinThePollInterval()
    {
        await using var miniAuth = new MiniAuthApp();
        var client = miniAuth.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var other = await client.SignUpAndLoginAsync(delivery: "body");
        await using var boardApp = new BoardApp(miniAuth);
        var board = boardApp.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, login.AccessToken)).StatusCode);
        var firstPoll = boardApp.Revoked.LastSuccessAt is null ? boardApp.Revoked.NextPollAsync() : Task.CompletedTask;
        await firstPoll;

        Assert.Equal(HttpStatusCode.NoContent, (await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", login.AccessToken)).StatusCode);
        // Until the next poll Board has not heard of the logout: the token's exp is still ahead.
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, login.AccessToken)).StatusCode);

        var poll = boardApp.Revoked.NextPollAsync();
        miniAuth.Time.Advance(TimeSpan.FromSeconds(5));
        await poll.WaitAsync(TimeSpan.FromSeconds(30));
        var refused = await CallBoardAsync(board, login.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, other.AccessToken)).StatusCode);
        Assert.Equal("Healthy", await board.GetStringAsync("/health"));
    }

    [Fact]
    public async Task WhenTheFeedStopsAnsweringBoardKeepsItsListAndSaysDegraded()
    {
        await using var miniAuth = new MiniAuthApp();
        var client = miniAuth.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        await client.SendWithBearerAsync(HttpMethod.Post, "/auth/logout", login.AccessToken);
        var live = await client.SignUpAndLoginAsync(delivery: "body");
        await using var boardApp = new BoardApp(miniAuth);
        var board = boardApp.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, live.AccessToken)).StatusCode);
        if (boardApp.Revoked.LastSuccessAt is null) await boardApp.Revoked.NextPollAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallBoardAsync(board, login.AccessToken)).StatusCode);

        // MiniAuth goes away: the next poll fails, the list it had stays in force (fail-open).
        var time = miniAuth.Time;
        await miniAuth.DisposeAsync();
        var poll = boardApp.Revoked.NextPollAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        await poll.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallBoardAsync(board, login.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, live.AccessToken)).StatusCode);
        var health = await board.GetAsync("/health");
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AFailClosedBoardRefusesEveryTokenOnceTheFeedIsSilentLongerThanAllowed()
    {
        await using var miniAuth = new MiniAuthApp();
        var live = await miniAuth.NewClient().SignUpAndLoginAsync(delivery: "body");
        await using var boardApp = new BoardApp(miniAuth, settings: new Dictionary<string, string?> { ["Board:FailClosedAfter"] = "00:00:12" });
        var board = boardApp.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, live.AccessToken)).StatusCode);
        if (boardApp.Revoked.LastSuccessAt is null) await boardApp.Revoked.NextPollAsync();
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, live.AccessToken)).StatusCode);

        var time = miniAuth.Time;
        await miniAuth.DisposeAsync();
        // Two failed polls: 10 s without an answer, still within FailClosedAfter.
        for (var i = 0; i < 2; i++)
        {
            var poll = boardApp.Revoked.NextPollAsync();
            time.Advance(TimeSpan.FromSeconds(5));
            await poll.WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(HttpStatusCode.OK, (await CallBoardAsync(board, live.AccessToken)).StatusCode);
        var third = boardApp.Revoked.NextPollAsync();
        time.Advance(TimeSpan.FromSeconds(5));
        await third.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallBoardAsync(board, live.AccessToken)).StatusCode);
        var health = await board.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
    }
}
