using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MiniAuth.Bench;

// The framework's own auth doing the same work, as a peer server of the run (`serve identity`):
// ASP.NET Core Identity's MapIdentityApi over EF Core + SQLite, with its default bearer tokens
// (Data Protection-protected, refreshed at POST /refresh), on the same host builder and Kestrel
// defaults as MiniAuth and the ceilings. Its database is a fresh file in the folder it is given.
public static class IdentityPeer
{
    public sealed class Db(DbContextOptions<Db> options) : IdentityDbContext<IdentityUser>(options);

    public static int Serve(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var folder = builder.Configuration["IdentityPeer:Folder"] ?? Directory.CreateTempSubdirectory("identity-peer-").FullName;
        builder.Services.AddDbContext<Db>(db => db.UseSqlite($"Data Source={Path.Combine(folder, "identity.db")}"));
        builder.Services.AddAuthorization();
        builder.Services.AddIdentityApiEndpoints<IdentityUser>(identity =>
            {
                // The same password MiniAuth's bench users have: a passphrase, no character classes.
                identity.Password.RequireDigit = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                // The benchmark measures the endpoints, not the lockout (MiniAuth runs without its brakes too).
                identity.Lockout.AllowedForNewUsers = false;
            })
            .AddEntityFrameworkStores<Db>();
        // Where Data Protection keeps its key ring (it protects the bearer and refresh tokens).
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(folder, "keys")));

        var app = builder.Build();
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Db>();
            db.Database.EnsureCreated();
            // The journal mode a busy SQLite server would run with.
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }
        app.MapGet("/health", () => TypedResults.Ok("Healthy"));
        app.MapIdentityApi<IdentityUser>();
        app.Run();
        return 0;
    }

    // The scenarios the peer runs beside MiniAuth's, by MiniAuth's scenario name.
    public static readonly IReadOnlyDictionary<string, string> Paths = new Dictionary<string, string>
    {
        ["fetchProfile"] = "GET /manage/info",
        ["restoreAccessToken"] = "POST /refresh",
        ["login"] = "POST /login",
    };

    public static Task<ServerProcess> StartAsync(string self, string[] selfArgs, string root, string folder) =>
        ServerProcess.StartAsync(Name, self, [.. selfArgs, "serve", "identity"],
            new Dictionary<string, string> { ["IdentityPeer__Folder"] = folder }, root);

    public const string Name = "ASP.NET Core Identity";

    public static async Task<List<VirtualUser>> SetUpUsersAsync(HttpClient client, int count)
    {
        var users = Enumerable.Range(0, count).Select(i => new VirtualUser(i, $"bench-user-{i}@example.test")).ToList();
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (user, _) =>
        {
            using var signup = await client.PostAsJsonAsync("/register", new { email = user.Email, password = BenchRun.Password });
            if (signup.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"Identity register of {user.Email}: {(int)signup.StatusCode} {await signup.Content.ReadAsStringAsync()}");
            if (!await LoginAsync(client, user)) throw new InvalidOperationException($"Identity login of {user.Email} failed.");
        });
        return users;
    }

    public static Func<VirtualUser, Task<bool>> Step(HttpClient client, string scenario) => scenario switch
    {
        "fetchProfile" => u => InfoAsync(client, u),
        "restoreAccessToken" => u => RefreshAsync(client, u),
        "login" => u => LoginAsync(client, u),
        _ => throw new ArgumentException($"The Identity peer has no {scenario} scenario."),
    };

    static async Task<bool> InfoAsync(HttpClient client, VirtualUser user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/manage/info");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK;
    }

    // Each virtual user follows its own chain: the refresh token of the last answer.
    static async Task<bool> RefreshAsync(HttpClient client, VirtualUser user)
    {
        using var response = await client.PostAsJsonAsync("/refresh", new { refreshToken = user.RefreshToken });
        return await MiniAuthSteps.ReadTokensAsync(response, user);
    }

    static async Task<bool> LoginAsync(HttpClient client, VirtualUser user)
    {
        using var response = await client.PostAsJsonAsync("/login", new { email = user.Email, password = BenchRun.Password });
        return await MiniAuthSteps.ReadTokensAsync(response, user);
    }

    // MiniAuth ÷ Identity per path, from the same run: requests/s (higher is MiniAuth's better)
    // and server CPU per request (lower is).
    public static string Comparison(IReadOnlyList<ScenarioResult> results)
    {
        var rows = Paths.Select(p => (Path: p, MiniAuth: results.FirstOrDefault(r => r.Scenario == p.Key && r.Server == "MiniAuth"),
            Identity: results.FirstOrDefault(r => r.Scenario == p.Key && r.Server == Name))).Where(r => r.MiniAuth is not null && r.Identity is not null).ToList();
        if (rows.Count == 0) return "";
        var md = new System.Text.StringBuilder().AppendLine().AppendLine("MiniAuth beside ASP.NET Core Identity's MapIdentityApi (EF Core + SQLite, bearer tokens), same run:").AppendLine();
        md.AppendLine("| path, MiniAuth vs Identity | req/s MiniAuth / Identity | MiniAuth ÷ Identity req/s | CPU µs/req MiniAuth / Identity | Identity ÷ MiniAuth CPU | p99 ms MiniAuth / Identity |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (path, m, i) in rows)
            md.AppendLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"| {path.Key} vs `{path.Value}` | {m!.RequestsPerSecond:F0} / {i!.RequestsPerSecond:F0} | {m.RequestsPerSecond / i.RequestsPerSecond:F2} | " +
                $"{m.CpuMicrosPerRequest:F0} / {i.CpuMicrosPerRequest:F0} | {i.CpuMicrosPerRequest / m.CpuMicrosPerRequest:F2} | {m.P99Micros / 1000:F2} / {i.P99Micros / 1000:F2} |"));
        return md.ToString();
    }
}
