namespace MiniAuth.Tests;

public class ProfileApiTests
{
    [Fact]
    public async Task FetchProfileReturnsTheCallersProfile()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        await client.SignUpAsync("gina@example.test", name: "Gina");
        var login = await client.LoginAsync("gina@example.test");

        var response = await client.FetchProfileAsync(login.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var profile = await response.JsonAsync();
        Assert.Equal("gina@example.test", profile.GetProperty("email").GetString());
        Assert.Equal("Gina", profile.GetProperty("name").GetString());
        Assert.Equal(HttpHelpers.Claims(login.AccessToken).GetProperty("sub").GetString(), profile.GetProperty("id").GetString());
    }

    [Fact]
    public async Task UpdateProfileChangesTheNameAndFetchProfileShowsIt()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(HttpMethod.Patch, "/profile", login.AccessToken, new { name = "Ada Lovelace" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Ada Lovelace", (await response.JsonAsync()).GetProperty("name").GetString());
        var profile = await (await client.FetchProfileAsync(login.AccessToken)).JsonAsync();
        Assert.Equal("Ada Lovelace", profile.GetProperty("name").GetString());
        Assert.False(profile.TryGetProperty("passwordHash", out _));
    }

    [Fact]
    public async Task UpdateProfileWithAnEmptyNameClearsIt()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email, name: "Old Name")).StatusCode);
        var login = await client.LoginAsync(email);

        var response = await client.SendAsync(HttpMethod.Patch, "/profile", login.AccessToken, new { name = "" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await response.JsonAsync()).GetProperty("name").ValueKind);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"bell\\u0007\"}")]
    public async Task UpdateProfileRejectsAMissingOrInvalidNameWithAFieldError(string body)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var request = new HttpRequestMessage(HttpMethod.Patch, "/profile") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

        var problem = await (await client.SendAsync(request.WithBearer(login.AccessToken))).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Theory]
    [InlineData("PATCH", "/profile", "{\"name\":5}")]
    [InlineData("PATCH", "/profile", "not json")]
    [InlineData("POST", "/profile/password", "{\"currentPassword\":[1]}")]
    [InlineData("POST", "/profile/password", "{")]
    public async Task MalformedBodiesAre400ProblemsNot500(string method, string url, string body)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

        await (await client.SendAsync(request.WithBearer(login.AccessToken))).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UpdateProfileRejectsAnOverlongName()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(HttpMethod.Patch, "/profile", login.AccessToken, new { name = new string('x', 101) });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task ChangePasswordEndsEveryOtherSessionKeepsTheCurrentAndSwapsThePassword()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var elsewhere = await client.LoginAsync(email);
        var here = await client.LoginAsync(email);
        const string newPassword = "a brand new passphrase 42";

        var response = await client.SendAsync(HttpMethod.Post, "/profile/password", here.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("The session was ended: password changed.", await client.RefusedDetailAsync(elsewhere.AccessToken));
        var refresh = await (await client.RestoreWithCookieAsync(elsewhere.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The session was ended: password changed.", refresh.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(here.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithCookieAsync(here.Refresh)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email, newPassword)).StatusCode);
    }

    [Fact]
    public async Task ChangePasswordWithAWrongCurrentPasswordIs400WithACurrentPasswordError()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var elsewhere = await client.LoginAsync(email);
        var here = await client.LoginAsync(email);

        var response = await client.SendAsync(HttpMethod.Post, "/profile/password", here.AccessToken,
            new { currentPassword = "not my password at all", newPassword = "a brand new passphrase 42" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(elsewhere.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email)).StatusCode);
    }

    [Theory]
    [InlineData("short", "newPassword")]
    [InlineData("password1", "newPassword")]
    [InlineData(HttpHelpers.Password, "newPassword")]
    public async Task ChangePasswordRejectsAWeakOrUnchangedNewPassword(string newPassword, string field)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var response = await client.SendAsync(HttpMethod.Post, "/profile/password", login.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task ChangePasswordIsThrottledAfterRepeatedWrongCurrentPasswords()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:RateLimiting:MaxFailedLogins"] = "3" });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        object Guess(string current) => new { currentPassword = current, newPassword = "a brand new passphrase 42" };

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(HttpMethod.Post, "/profile/password", login.AccessToken, Guess($"guess number {i}"))).StatusCode);
        var throttled = await client.SendAsync(HttpMethod.Post, "/profile/password", login.AccessToken, Guess(HttpHelpers.Password));

        await throttled.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromMinutes(15), throttled.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task ProfileChangesRequireAnAccessToken()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();

        await (await client.PatchAsJsonAsync("/profile", new { name = "x" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/profile/password", new { currentPassword = "a", newPassword = "b" })).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
