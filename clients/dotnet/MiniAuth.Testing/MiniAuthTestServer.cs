using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Testing;

// A real MiniAuth in-process: its own throwaway store (a LiteDB file in a temporary folder, deleted
// on dispose), a fake clock the test moves, no socket. Your app trusts it with TrustMiniAuth (see
// MiniAuthTestServices): discovery, JWKS and the revoked-sessions feed travel through the
// in-memory server's handler.
public sealed class MiniAuthTestServer : IAsyncDisposable
{
    public const string DefaultPassword = "a test user's long passphrase";

    // Far from today, so that a test reading the wall clock somewhere fails loudly.
    public static readonly DateTimeOffset DefaultStart = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);

    readonly MiniAuthFactory _factory;
    readonly string _folder;
    readonly Lazy<HttpClient> _client;

    // settings: MiniAuth:… keys as in MiniAuth's appsettings.json (e.g. MiniAuth:AccessTokenLifetime).
    public MiniAuthTestServer(IDictionary<string, string?>? settings = null, DateTimeOffset? start = null)
    {
        Time = new FakeTimeProvider(start ?? DefaultStart);
        _folder = Path.Combine(Path.GetTempPath(), "miniauth-testing", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        var all = new Dictionary<string, string?>
        {
            ["MiniAuth:Storage:Path"] = Path.Combine(_folder, "miniauth.db"),
            ["MiniAuth:PublicUrl"] = Authority,
            // Cheap hashes keep tests fast; still real Argon2id.
            ["MiniAuth:PasswordHashing:MemoryKiB"] = "64",
            ["MiniAuth:PasswordHashing:Iterations"] = "1",
            // Every request of a test comes from one (absent) address.
            ["MiniAuth:RateLimiting:PerIpPermitsPerMinute"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        _factory = new MiniAuthFactory(all, Time);
        _client = new(() => _factory.CreateClient(new() { BaseAddress = new Uri(Authority), AllowAutoRedirect = false, HandleCookies = false }));
    }

    // The address your app names as MiniAuth's authority; nothing listens there: requests go
    // through CreateHandler(). It is also the tokens' issuer (PublicUrl).
    public string Authority => "https://miniauth.test";
    public string Issuer => Authority;
    public string Audience => "miniauth";

    public FakeTimeProvider Time { get; }

    public void Advance(TimeSpan by) => Time.Advance(by);

    // A client of MiniAuth's own HTTP API (signup, login, /profile, /admin …).
    public HttpClient Client => _client.Value;

    // For JwtBearerOptions.BackchannelHttpHandler: discovery, JWKS and the revoked-sessions feed.
    public HttpMessageHandler CreateHandler() => _factory.Server.CreateHandler();

    public IServiceProvider Services => _factory.Services;

    // Your app's JwtBearer (stock, or AddMiniAuthBearer's) reads MiniAuth through the in-memory
    // server, and judges exp on this fake clock.
    public void Trust(JwtBearerOptions bearer)
    {
        bearer.BackchannelHttpHandler = CreateHandler();
        if (string.IsNullOrEmpty(bearer.Authority)) bearer.Authority = Authority;
        bearer.TokenValidationParameters.LifetimeValidator = (notBefore, expires, _, parameters) =>
        {
            var now = Time.GetUtcNow().UtcDateTime;
            return (notBefore is null || now >= notBefore.Value - parameters.ClockSkew)
                && (expires is null || now < expires.Value + parameters.ClockSkew);
        };
    }

    public async Task<TestUser> CreateUserAsync(string? email = null, IEnumerable<string>? roles = null, bool emailVerified = true,
        string password = DefaultPassword, string? name = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@example.test";
        var signup = await Client.PostAsJsonAsync("/auth/signup", new { email, password, name });
        await EnsureAsync(signup, "signup");
        var id = (await signup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var users = Services.GetRequiredService<IUserStore>();
        var roleList = roles?.ToList() ?? [];
        foreach (var role in roleList) await users.AddRoleAsync(id, role, CancellationToken.None);
        if (emailVerified && await users.FindByIdAsync(id, CancellationToken.None) is { } user)
            await users.TryMarkEmailVerifiedAsync(id, user.NormalizedEmail, CancellationToken.None);
        return new TestUser(id, email, password, roleList, emailVerified);
    }

    public async Task<TestSession> LoginAsync(TestUser user)
    {
        var login = await Client.PostAsJsonAsync("/auth/login", new { email = user.Email, password = user.Password, refreshTokenDelivery = "body" });
        return await SessionFromAsync(login, "login");
    }

    // restoreAccessToken: a new access token, the refresh token rotated.
    public async Task<TestSession> RestoreAsync(TestSession session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.RefreshToken);
        return await SessionFromAsync(await Client.SendAsync(request), "restoreAccessToken");
    }

    public async Task LogoutAsync(TestSession session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.RefreshToken);
        await EnsureAsync(await Client.SendAsync(request), "logout");
    }

    // Every session of the user ends, as an admin's forced logout does; returns how many.
    public Task<int> EndSessionsAsync(TestUser user) => Services.GetRequiredService<ISessionStore>()
        .RevokeAllForUserAsync(user.Id, RevocationReasons.ForcedByAdmin, Time.GetUtcNow(), null, CancellationToken.None);

    async Task<TestSession> SessionFromAsync(HttpResponseMessage response, string what)
    {
        await EnsureAsync(response, what);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var access = body.GetProperty("accessToken").GetString()!;
        var claims = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(access.Split('.')[1])).RootElement;
        return new TestSession(claims.GetProperty("sub").GetString()!, claims.GetProperty("sid").GetString()!, access,
            body.GetProperty("refreshToken").GetString()!);
    }

    // A failing step says what MiniAuth answered, problem+json included.
    static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync();
        throw new InvalidOperationException($"MiniAuth {what} answered {(int)response.StatusCode}: {body}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsValueCreated) _client.Value.Dispose();
        await _factory.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
