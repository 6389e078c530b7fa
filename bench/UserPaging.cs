using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LiteDB;

namespace MiniAuth.Bench;

// `dotnet run -c Release --project bench -- paging [--users 10000] [--requests 200]`: GET /admin/users
// over a store of 10,000 users, seeded straight into the LiteDB file as MiniAuth lays users out.
// The first page, a deep page (the cursor after 9,000 users, reached by walking the `next` chain)
// and two searches, each run back to back by one client in interleaved rounds, so that the
// machine's drift hits every kind alike: latency and server CPU per request, and their ratios.
public static class UserPaging
{
    const string AdminEmail = "bench-admin@example.test";
    const string AdminPassword = "bench admin passphrase";

    public static async Task<int> RunAsync(string[] args)
    {
        var users = Option(args, "--users", 10_000);
        var requests = Option(args, "--requests", 200);
        var root = BenchRun.FindRepositoryRoot();
        var dll = args.Contains("--skip-build") ? Path.Combine(root, "bin/Release/net10.0/MiniAuth.dll") : BenchRun.BuildMiniAuth(root);
        var folder = Directory.CreateTempSubdirectory("miniauth-paging-");
        try
        {
            var store = Path.Combine(folder.FullName, "miniauth.db");
            var seeding = Stopwatch.StartNew();
            Seed(store, users);
            Console.WriteLine($"Seeded {users} users in {seeding.Elapsed.TotalSeconds:F1} s.");

            await using var server = await ServerProcess.StartAsync("MiniAuth", "dotnet", [dll], new Dictionary<string, string>
            {
                ["MiniAuth__Storage__Path"] = store,
                ["MiniAuth__RateLimiting__Enabled"] = "false",
                ["MiniAuth__Admin__Email"] = AdminEmail,
                ["MiniAuth__Admin__Password"] = AdminPassword,
            }, Path.GetDirectoryName(dll)!);
            using var client = new HttpClient { BaseAddress = server.Address };
            var login = await client.PostAsJsonAsync("/auth/login", new { email = AdminEmail, password = AdminPassword, refreshTokenDelivery = "body" });
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // The deep cursor as an admin reaches it: the `next` of page after page of 100.
            string? cursor = null;
            for (var walked = 0; walked < users * 9 / 10; walked += 100)
                cursor = (await GetPageAsync(client, $"/admin/users?limit=100{(cursor is null ? "" : $"&cursor={cursor}")}")).Next;

            var kinds = new (string Name, string Url)[]
            {
                ("first page (50)", "/admin/users?limit=50"),
                ($"page after {users * 9 / 10} users (50)", $"/admin/users?limit=50&cursor={cursor}"),
                ("search, one match", $"/admin/users?query=user-{users / 2:D6}@"),
                ("search, no match", "/admin/users?query=nobody-at-all"),
            };
            var samples = kinds.Select(_ => new List<double>()).ToArray();
            var cpu = new TimeSpan[kinds.Length];
            const int Rounds = 4;
            for (var round = 0; round < Rounds + 1; round++)
            {
                for (var k = 0; k < kinds.Length; k++)
                {
                    var before = server.CpuTime();
                    for (var i = 0; i < requests / Rounds; i++)
                    {
                        var clock = Stopwatch.StartNew();
                        await GetPageAsync(client, kinds[k].Url);
                        // The first round warms the JIT and the page cache and is not counted.
                        if (round > 0) samples[k].Add(clock.Elapsed.TotalMilliseconds);
                    }
                    if (round > 0) cpu[k] += server.CpuTime() - before;
                }
            }

            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            Console.WriteLine($"GET /admin/users over {users} users, {samples[0].Count} requests of each kind, one client; load average {load}.");
            Console.WriteLine("| request | p50 ms | p99 ms | mean ms | server CPU µs/req | × first page CPU |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            var firstCpu = cpu[0].TotalMicroseconds / samples[0].Count;
            for (var k = 0; k < kinds.Length; k++)
            {
                var sorted = samples[k].Order().ToList();
                var perRequest = cpu[k].TotalMicroseconds / sorted.Count;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {kinds[k].Name} | {sorted[sorted.Count / 2]:F2} | {sorted[(int)(sorted.Count * 0.99)]:F2} | {sorted.Average():F2} | {perRequest:F0} | {perRequest / firstCpu:F2} |"));
            }
            return 0;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // UserRecord as MiniAuth's mapper stores it: DateTimeOffset as UTC ticks, ids that sort by
    // creation (one millisecond apart here), and the collation MiniAuth creates its files with.
    static void Seed(string path, int count)
    {
        using var db = new LiteDatabase(new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        });
        var users = db.GetCollection("users");
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        users.InsertBulk(Enumerable.Range(0, count).Select(i =>
        {
            var at = start.AddMilliseconds(i);
            var email = $"user-{i:D6}@example.test";
            return new BsonDocument
            {
                ["_id"] = Guid.CreateVersion7(at).ToString("N"),
                ["Email"] = email,
                ["NormalizedEmail"] = email.ToUpperInvariant(),
                ["Name"] = $"Bench User {i}",
                // Never logged in to: any text stands for the hash.
                ["PasswordHash"] = "seeded",
                ["Roles"] = new BsonArray(),
                ["CreatedAt"] = at.UtcTicks,
                ["EmailVerified"] = true,
                ["Disabled"] = false,
                ["LastLoginAt"] = BsonValue.Null,
            };
        }));
    }

    static async Task<(int Count, string? Next)> GetPageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        var next = page.GetProperty("next");
        return (page.GetProperty("items").GetArrayLength(), next.ValueKind == JsonValueKind.Null ? null : next.GetString());
    }

    static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
