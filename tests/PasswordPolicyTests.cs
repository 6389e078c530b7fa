namespace MiniAuth.Tests;

// The password policy (common passwords, length bounds), seen through signup; a password change
// applies the same one (ProfileApiTests).
public class PasswordPolicyTests
{
    [Theory]
    [InlineData("password1")]
    [InlineData("Password1")]
    [InlineData("12345678")]
    [InlineData("qwertyuiop")]
    [InlineData("iloveyou")]
    [InlineData("p@ssw0rd")]
    [InlineData("trustno1")]
    public async Task SignupRejectsACommonlyUsedPassword(string password)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();

        var response = await client.SignUpAsync(HttpHelpers.NewEmail(), password);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("commonly used", problem.GetProperty("errors").GetProperty("password")[0].GetString());
    }

    [Theory]
    [InlineData("my password is not password1")]
    [InlineData("Tr0ub4dor&3x")]
    public async Task SignupAcceptsAPasswordThatOnlyContainsACommonOne(string password)
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();

        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(HttpHelpers.NewEmail(), password)).StatusCode);
    }

    [Fact]
    public async Task PasswordLengthBoundsComeFromConfiguration()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:Password:MinLength"] = "12",
            ["MiniAuth:Password:MaxLength"] = "20",
        });
        var client = app.NewClient();

        var tooShort = await (await client.SignUpAsync(HttpHelpers.NewEmail(), "elevenchars")).AssertProblemAsync(HttpStatusCode.BadRequest);
        var tooLong = await (await client.SignUpAsync(HttpHelpers.NewEmail(), "twenty-one characters")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("A password has 12 to 20 characters.", tooShort.GetProperty("errors").GetProperty("password")[0].GetString());
        Assert.Equal("A password has 12 to 20 characters.", tooLong.GetProperty("errors").GetProperty("password")[0].GetString());
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(HttpHelpers.NewEmail(), "twelve chars")).StatusCode);
    }
}
