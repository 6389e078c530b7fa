using MiniAuth.Auth.Passwords;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// One person, one identity: lookalike emails and names are refused or folded together, and a
// password verifies however the keyboard composed it.
public class IdentityNormalizationTests
{
    [Theory]
    [InlineData("ann\u200B@example.test")]   // zero-width space
    [InlineData("ann\u202E@example.test")]   // right-to-left override
    [InlineData("ann\u00AD@example.test")]   // soft hyphen
    public async Task AnEmailWithInvisibleCharactersIsRefused(string email)
    {
        await using var app = new MiniAuthApp();
        var problem = await (await app.NewClient().SignUpAsync(email)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task ANameWithABidiOverrideIsRefused()
    {
        await using var app = new MiniAuthApp();
        var problem = await (await app.NewClient().SignUpAsync(HttpHelpers.NewEmail(), name: "Ann\u202Enimda"))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task AFullwidthEmailIsTheSameAccountAsItsPlainForm()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync("ann@example.test")).StatusCode);

        await (await client.SignUpAsync("ａｎｎ@example.test")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync("ＡＮＮ@example.test")).StatusCode);
    }

    [Fact]
    public async Task AnEmailWithSurroundingWhitespaceAndATabLogsIn()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync("ann@example.test")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync("  Ann@example.test\t")).StatusCode);
    }

    [Fact]
    public async Task APasswordVerifiesWhetherItsAccentsAreComposedOrDecomposed()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        const string composed = "caf\u00E9 au lait, s'il vous pla\u00EEt";
        var decomposed = composed.Normalize(System.Text.NormalizationForm.FormD);
        Assert.NotEqual(composed, decomposed);

        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email, composed)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email, decomposed)).StatusCode);
    }

    [Fact]
    public async Task AHashOfTheUnnormalizedPasswordStillVerifiesAndIsRehashed()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        var decomposed = "cafe\u0301 au lait, s'il vous pla\u00EEt";
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email, decomposed)).StatusCode);
        // What a service before normalization stored: the password's bytes as typed.
        var users = app.Get<IUserStore>();
        var user = (await users.FindByEmailAsync(email.ToUpperInvariant(), CancellationToken.None))!;
        var legacy = LibsodiumArgon2.Hash(System.Text.Encoding.UTF8.GetBytes(decomposed), 64, 1);
        Assert.True(await users.TryReplacePasswordHashAsync(user.Id, user.PasswordHash, legacy, CancellationToken.None));

        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email, decomposed)).StatusCode);
        var rehashed = (await users.FindByIdAsync(user.Id, CancellationToken.None))!.PasswordHash;
        Assert.NotEqual(legacy, rehashed);
        Assert.Equal(HttpStatusCode.OK, (await client.PostLoginAsync(email, decomposed.Normalize())).StatusCode);
    }

    [Theory]
    [InlineData("\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44\uFF11\uFF12\uFF13")]   // fullwidth "password123"
    [InlineData("a\u0301e\u0301i\u0301o\u0301")]                                         // 8 code points, 4 characters
    public async Task ThePasswordPolicyJudgesThePasswordAsItIsHashed(string password)
    {
        await using var app = new MiniAuthApp();
        var problem = await (await app.NewClient().SignUpAsync(HttpHelpers.NewEmail(), password)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Theory]
    [InlineData("ann@example.test\uFF0E")]        // a fullwidth full stop: a trailing "."
    [InlineData("ann\uFF20evil@example.test")]    // a fullwidth "@": two of them
    [InlineData("a,b@example.test")]                // not one address to the mail library
    [InlineData("a;b@example.test")]
    [InlineData("x<attacker@example.test>")]        // a display name around another address
    public async Task AnEmailIsJudgedInTheFormItIsComparedIn(string email)
    {
        await using var app = new MiniAuthApp();
        var problem = await (await app.NewClient().SignUpAsync(email)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task AnEmailThatGrowsUnderNormalizationIsRefusedNotA500()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        // U+FDFA is one character and eighteen once normalized.
        var email = new string('\uFDFA', 60) + "@x.io";
        await (await client.SignUpAsync(email)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await client.PostLoginAsync(email)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TextThatIsNotWellFormedIsRefusedNotA500()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
        // A lone surrogate in a JSON escape: the body cannot be read (and were it read, the
        // normalization would refuse it the same way).
        static StringContent Json(string raw) => new(raw, System.Text.Encoding.UTF8, "application/json");

        await (await client.PostAsync("/auth/signup", Json("{\"email\":\"a\\ud800@example.test\",\"password\":\"correct horse battery staple\"}")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await client.PostAsync("/auth/signup", Json($"{{\"email\":\"{HttpHelpers.NewEmail()}\",\"password\":\"correct horse \\ud800 staple\"}}")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await client.PostAsync("/auth/login", Json("{\"email\":\"a\\ud800@example.test\",\"password\":\"whatever it is\"}")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await client.PostAsync("/auth/login", Json($"{{\"email\":\"{email}\",\"password\":\"correct horse \\ud800 staple\"}}")))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}
