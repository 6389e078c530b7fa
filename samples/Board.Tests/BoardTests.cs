using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MiniAuth.AspNetCore;
using MiniAuth.Testing;

namespace Board.Tests;

// samples/Board tested the way a team would test its own API: a real MiniAuth in-process from
// MiniAuth.Testing, Board trusting it through MiniAuth.AspNetCore, one fake clock for both.
public class BoardTests
{
    static WebApplicationFactory<Program> BoardTrusting(MiniAuthTestServer miniAuth) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("Board:Authority", miniAuth.Authority)
            .UseSetting("Board:Issuer", miniAuth.Issuer)
            .ConfigureTestServices(services => services.TrustMiniAuth(miniAuth)));

    static HttpClient WithToken(WebApplicationFactory<Program> board, TestSession session)
    {
        var client = board.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        return client;
    }

    [Fact]
    public async Task ASignedInUserCallsBoardAndBoardKnowsWhoItIs()
    {
        await using var miniAuth = new MiniAuthTestServer();
        await using var board = BoardTrusting(miniAuth);
        var user = await miniAuth.CreateUserAsync("ada@example.test");
        var session = await miniAuth.LoginAsync(user);

        var me = await WithToken(board, session).GetAsync("/board/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var who = await me.Content.ReadFromJsonAsync<WhoAmI>();
        Assert.Equal(user.Id, who!.UserId);
        Assert.Equal("ada@example.test", who.Email);
        Assert.Equal(HttpStatusCode.Unauthorized, (await board.CreateClient().GetAsync("/board/me")).StatusCode);
    }

    [Fact]
    public async Task AfterALogoutBoardRefusesTheAccessTokenWithinThePollInterval()
    {
        await using var miniAuth = new MiniAuthTestServer();
        await using var board = BoardTrusting(miniAuth);
        var session = await miniAuth.LoginAsync(await miniAuth.CreateUserAsync());
        var api = WithToken(board, session);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/board/me")).StatusCode);
        var revoked = board.Services.GetRequiredService<RevokedSessionList>();
        if (revoked.LastSuccessAt is null) await revoked.NextPollAsync();

        await miniAuth.LogoutAsync(session);
        var poll = revoked.NextPollAsync();
        miniAuth.Advance(TimeSpan.FromSeconds(5));
        await poll.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/board/me")).StatusCode);
    }

    [Fact]
    public async Task OnlyAModeratorClearsTheBoard()
    {
        await using var miniAuth = new MiniAuthTestServer();
        await using var board = BoardTrusting(miniAuth);
        var moderator = await miniAuth.LoginAsync(await miniAuth.CreateUserAsync(roles: ["moderator"]));
        var member = await miniAuth.LoginAsync(await miniAuth.CreateUserAsync());

        Assert.Equal(HttpStatusCode.Forbidden, (await WithToken(board, member).DeleteAsync("/board")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await WithToken(board, moderator).DeleteAsync("/board")).StatusCode);
    }

    [Fact]
    public async Task AnAccessTokenExpiresOnTheFakeClockAndARestoredOneWorks()
    {
        await using var miniAuth = new MiniAuthTestServer();
        await using var board = BoardTrusting(miniAuth);
        var session = await miniAuth.LoginAsync(await miniAuth.CreateUserAsync());

        miniAuth.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithToken(board, session).GetAsync("/board/me")).StatusCode);
        var restored = await miniAuth.RestoreAsync(session);
        Assert.Equal(HttpStatusCode.OK, (await WithToken(board, restored).GetAsync("/board/me")).StatusCode);
    }

    sealed record WhoAmI(string UserId, string? Email, IReadOnlyList<string> Roles);
}
