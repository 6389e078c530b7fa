using System.Globalization;
using System.Text;
using MiniAuth.Auth.Passwords;

namespace MiniAuth.Bench;

// `--scenarios bigstore`: fetchProfile, restoreAccessToken and login on a store seeded with
// 100 000 users and 1 000 000 live sessions (10 per user), beside the same on an almost empty
// store (the virtual users alone), in the same run. Target: CPU per request and p99 within 1.3×.
public static class BigStore
{
    public const string EmptyName = "MiniAuth, almost empty store";
    public const string BigName = "MiniAuth, 100k users + 1M sessions";
    const int Users = 100_000, Sessions = 1_000_000;

    public static async Task RunAsync(BenchOptions options, string miniAuthDll, string root,
        Func<string, ServerProcess, IReadOnlyList<VirtualUser>, Func<VirtualUser, Task<bool>>, Task> run)
    {
        var hash = LibsodiumArgon2.Hash(Encoding.UTF8.GetBytes(BenchRun.Password), options.Argon2.MemoryKiB, options.Argon2.Iterations);
        foreach (var (name, users, sessions) in new[] { (EmptyName, options.Users, 0), (BigName, Users, Sessions) })
        {
            var folder = Directory.CreateTempSubdirectory("miniauth-bigstore-");
            try
            {
                var path = Path.Combine(folder.FullName, "store.db");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using (var seed = new StoreSeed(path))
                {
                    seed.AddUsers(0, users, hash);
                    // Live for the whole run: nothing for the sweeper, all of it for the indexes.
                    if (sessions > 0) seed.AddSessions("seed", sessions, i => i % users, DateTimeOffset.UtcNow.AddDays(7));
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  seeded {users} users and {sessions} sessions in {clock.Elapsed.TotalSeconds:F0} s ({StoreSeed.SizeOf(path) / 1048576.0:F0} MiB)"));
                await using var server = await BenchRun.StartMiniAuthAsync(name, miniAuthDll, folder.FullName, root, options.Argon2,
                    [.. options.MiniAuthEnvironment, $"MiniAuth__Storage__Path={path}"]);
                using var client = LoadGenerator.ClientFor(server);
                var vus = Enumerable.Range(0, options.Users).Select(i => new VirtualUser(i, $"bench-user-{i}@example.test")).ToList();
                foreach (var vu in vus)
                    if (!await MiniAuthSteps.LoginAsync(client, vu)) throw new InvalidOperationException($"Login of {vu.Email} on the seeded store failed.");
                await run("bigstore: fetchProfile", server, vus, u => MiniAuthSteps.GetAsync(client, "/profile", u.AccessToken));
                await run("bigstore: restoreAccessToken", server, vus, u => MiniAuthSteps.RestoreAsync(client, u));
                await run("bigstore: login", server, vus, u => MiniAuthSteps.LoginAsync(client, u));
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }
    }

    // Big ÷ empty per path, from the same run.
    public static string Comparison(IReadOnlyList<ScenarioResult> results)
    {
        var rows = results.Where(r => r.Server == BigName)
            .Select(big => (Big: big, Empty: results.FirstOrDefault(r => r.Server == EmptyName && r.Scenario == big.Scenario)))
            .Where(r => r.Empty is not null).ToList();
        if (rows.Count == 0) return "";
        var md = new StringBuilder().AppendLine().AppendLine("Flat under a big store (100 000 users, 1 000 000 sessions) against an almost empty one, same run:").AppendLine();
        md.AppendLine("| path | CPU µs/req empty → big | × (≤ 1.3) | p99 ms empty → big | × (≤ 1.3) | req/s empty → big |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (big, empty) in rows)
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {big.Scenario["bigstore: ".Length..]} | {empty!.CpuMicrosPerRequest:F0} → {big.CpuMicrosPerRequest:F0} | {big.CpuMicrosPerRequest / empty.CpuMicrosPerRequest:F2} | " +
                $"{empty.P99Micros / 1000:F2} → {big.P99Micros / 1000:F2} | {big.P99Micros / empty.P99Micros:F2} | {empty.RequestsPerSecond:F0} → {big.RequestsPerSecond:F0} |"));
        return md.ToString();
    }
}
