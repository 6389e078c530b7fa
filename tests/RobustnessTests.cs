using System.Text;

namespace MiniAuth.Tests;

// A client mistake is a 4xx problem+json, never a 500.
public class RobustnessTests
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { "/auth/login", "{\"email\": \"a@b.c\", \"password\": " },
        { "/auth/login", "not json at all" },
        { "/auth/login", "" },
        { "/auth/login", "[]" },
        { "/auth/login", "null" },
        { "/auth/login", "{\"email\": 42, \"password\": \"x\"}" },
        { "/auth/login", "{\"email\": {\"nested\": true}, \"password\": \"x\"}" },
        { "/auth/login", "{\"email\": \"a@b.c\", \"password\": \"x\", \"refreshTokenDelivery\": \"pigeon\"}" },
        { "/auth/login", "{\"email\": \"a@b.c\", \"password\": \"x\", \"refreshTokenDelivery\": 1}" },
        { "/auth/signup", "{\"email\": \"a@b.c\", \"password\": [1, 2]}" },
        { "/auth/signup", "{\"email\": \"a@b.c\", \"password\": \"long enough pass\", \"name\": false}" },
        { "/auth/signup", "\"just a string\"" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task MalformedOrMistypedJsonIs400(string path, string body)
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("{}", "email")]
    [InlineData("{\"email\": \"a@example.test\"}", "password")]
    [InlineData("{\"password\": \"long enough pass\"}", "email")]
    [InlineData("{\"email\": \"no-at-sign\", \"password\": \"long enough pass\"}", "email")]
    [InlineData("{\"email\": \"a@example.test\", \"password\": \"short\"}", "password")]
    [InlineData("{\"email\": \"a\\u0000b@example.test\", \"password\": \"long enough pass\"}", "email")]
    [InlineData("{\"email\": \"a@example.test\", \"password\": \"long enough pass\", \"name\": \"bad\\u0007name\"}", "name")]
    [InlineData("{\"email\": \"a@example.test\", \"password\": \"long enough\\u0000pass\"}", "password")]
    public async Task SignupNamesEachInvalidField(string body, string field)
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().PostAsync("/auth/signup", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages));
        Assert.NotEmpty(messages.EnumerateArray());
    }

    [Fact]
    public async Task LoginWithControlCharactersInTheEmailIsTheSame401AsAWrongPassword()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().PostAsync("/auth/login",
            new StringContent("{\"email\": \"a\\u0000@example.test\", \"password\": \"long enough pass\"}", Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("The email or password is incorrect.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task APasswordOverTheMaximumLengthIsRefused()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().SignUpAsync("long@example.test", new string('x', 257));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task LoginWithMissingFieldsIs400NotA401()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().PostAsJsonAsync("/auth/login", new { email = "a@example.test" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task ABodyOver64KiBIs413()
    {
        await using var app = new MiniAuthApp();
        var body = JsonSerializer.Serialize(new { email = "big@example.test", password = new string('x', 70 * 1024) });

        var response = await app.NewClient().PostAsync("/auth/signup", new StringContent(body, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AnotherContentTypeIs415()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().PostAsync("/auth/login", new StringContent("email=a&password=b", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task GarbageInTheRefreshCookieOrHeaderIs401()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();

        foreach (var token in new[] { "x", "a.b.c", "....", new string('a', 4000), "eyJhbGciOiJub25lIn0.e30." })
        {
            await (await client.RestoreWithCookieAsync(token)).AssertProblemAsync(HttpStatusCode.Unauthorized);
            await (await client.RestoreWithBearerAsync(token)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task AnUnknownRouteIsAProblem404()
    {
        await using var app = new MiniAuthApp();

        await (await app.NewClient().GetAsync("/nothing-here")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AWrongMethodIsAProblem405()
    {
        await using var app = new MiniAuthApp();

        await (await app.NewClient().GetAsync("/auth/login")).AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
    }
}
