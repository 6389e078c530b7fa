namespace MiniAuth.Tests;

public class SmokeTests
{
    [Fact]
    public async Task SignUpLoginAndFetchProfileWork()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var profile = await client.FetchProfileAsync(login.AccessToken);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
    }
}
