using MiniAuth.Storage;

namespace MiniAuth.Tests;

// POST /auth/login: credentials, the token response and refresh cookie, the rehash on login.
// Its throttling is in BruteForceTests.
public class LoginTests
{
    [Fact]
    public async Task LoginAcceptsTheEmailInAnotherCase()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        await client.SignUpAsync("carol@example.test");

        var response = await client.PostLoginAsync(" CAROL@example.TEST");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task WrongPasswordAndUnknownEmailGiveTheSame401()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        await client.SignUpAsync("dave@example.test");

        var wrongPassword = await (await client.PostLoginAsync("dave@example.test", "not the password at all"))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        var unknownEmail = await (await client.PostLoginAsync("nobody@example.test"))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);

        Assert.Equal(wrongPassword.GetProperty("title").GetString(), unknownEmail.GetProperty("title").GetString());
        Assert.Equal(wrongPassword.GetProperty("detail").GetString(), unknownEmail.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task LoginSetsTheRefreshCookieExactlyAsTheContractSays()
    {
        await using var app = new MiniAuthApp();
        var login = await app.NewClient().SignUpAndLoginAsync();

        var cookie = login.Cookie!;
        Assert.True(cookie.HttpOnly);
        Assert.True(cookie.Secure);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.Equal(app.RefreshTokenLifetime, cookie.MaxAge);
        Assert.Null(login.RefreshToken);
        Assert.Equal("refresh+jwt", HttpHelpers.Header(cookie.Value.Value!).GetProperty("typ").GetString());
    }

    [Fact]
    public async Task LoginReturnsTheTokenResponseShape()
    {
        await using var app = new MiniAuthApp();
        var login = await app.NewClient().SignUpAndLoginAsync();

        var body = login.Body;
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal(3600, body.GetProperty("expiresIn").GetInt32());
        Assert.False(body.TryGetProperty("refreshToken", out _));
    }

    [Fact]
    public async Task LoginWithBodyDeliveryReturnsTheRefreshTokenInTheBodyAndSetsNoRefreshCookie()
    {
        await using var app = new MiniAuthApp();
        var login = await app.NewClient().SignUpAndLoginAsync(delivery: "body");

        Assert.NotNull(login.RefreshToken);
        Assert.Null(login.Cookie);
        // Only the device cookie, which every successful login sets.
        var cookie = Assert.Single(login.Response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("__Host-device=", cookie);
    }

    [Fact]
    public async Task TheCookieFollowsItsConfiguredNameSameSiteAndPath()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:Cookie:Name"] = "rt",
            ["MiniAuth:Cookie:SameSite"] = "Lax",
            ["MiniAuth:Cookie:Path"] = "/auth/restoreAccessToken",
        });
        var client = app.NewClient();
        await client.SignUpAsync("erin@example.test");

        var response = await client.PostLoginAsync("erin@example.test");

        var cookie = HttpHelpers.RefreshCookie(response, "rt")!;
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal("/auth/restoreAccessToken", cookie.Path.Value);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithCookieAsync(cookie.Value.Value!, "rt")).StatusCode);
    }

    [Fact]
    public async Task LoginUpgradesAHashMadeWithOlderParameters()
    {
        var path = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"), "miniauth.db");
        await using (var before = new MiniAuthApp(path))
            await before.NewClient().SignUpAsync("frank@example.test");

        await using var after = new MiniAuthApp(path, new Dictionary<string, string?>
        {
            ["MiniAuth:PasswordHashing:MemoryKiB"] = "128",
            ["MiniAuth:PasswordHashing:Iterations"] = "2",
        });
        var users = after.Get<IUserStore>();
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", (await users.FindByEmailAsync("FRANK@EXAMPLE.TEST", default))!.PasswordHash);

        await after.NewClient().LoginAsync("frank@example.test");

        Assert.StartsWith("$argon2id$v=19$m=128,t=2,p=1$", (await users.FindByEmailAsync("FRANK@EXAMPLE.TEST", default))!.PasswordHash);
        Assert.Equal(HttpStatusCode.OK, (await after.NewClient().PostLoginAsync("frank@example.test")).StatusCode);
    }
}
