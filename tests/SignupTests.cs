using MiniAuth.Storage;

namespace MiniAuth.Tests;

// POST /auth/signup: the profile it answers, one account per email, the hash it stores.
// Its password rules are in PasswordPolicyTests, its field errors in RobustnessTests.
public class SignupTests
{
    [Fact]
    public async Task SignupReturnsTheProfileWithoutAnyHash()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();

        var response = await client.SignUpAsync("  Ann@Example.TEST ", name: "Ann");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var profile = await response.JsonAsync();
        Assert.Equal("Ann@Example.TEST", profile.GetProperty("email").GetString());
        Assert.Equal("Ann", profile.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Array, profile.GetProperty("roles").ValueKind);
        Assert.Equal(MiniAuthApp.Epoch, profile.GetProperty("createdAt").GetDateTimeOffset());
        Assert.False(string.IsNullOrEmpty(profile.GetProperty("id").GetString()));
        Assert.DoesNotContain("argon2", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignupReturns409ForAnEmailThatDiffersOnlyInCaseAndSpaces()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync("bob@example.test")).StatusCode);

        var problem = await (await client.SignUpAsync(" BOB@Example.Test ")).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("exists", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SignupStoresAStandardArgon2idHashWithTheConfiguredParameters()
    {
        await using var app = new MiniAuthApp();
        await app.NewClient().SignUpAsync("hash@example.test");

        var user = await app.Get<IUserStore>().FindByEmailAsync("HASH@EXAMPLE.TEST", default);

        Assert.Matches(@"^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$", user!.PasswordHash);
    }
}
