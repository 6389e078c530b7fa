using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MiniAuth.Auth.Passwords;

namespace MiniAuth.Bench;

// `--scenarios sweep`: 200 000 sessions end at the same moment while every virtual user keeps
// restoring; the sweeper (every second here) frees them in batches. A real process has the system
// clock, so the seed sets their end a little ahead of it. Then the store file's size over repeated
// fill-and-sweep cycles (MiniAuth stopped to seed 200 000 more, started to sweep them).
public static partial class SweepUnderLoad
{
    const int Expiring = 200_000, Cycles = 3;
    public const string Name = "MiniAuth, sweeping 200k sessions";

    public static async Task<string> RunAsync(BenchOptions options, string miniAuthDll, string root)
    {
        var md = new StringBuilder();
        var folder = Directory.CreateTempSubdirectory("miniauth-sweep-");
        var path = Path.Combine(folder.FullName, "store.db");
        string[] env = [.. options.MiniAuthEnvironment, $"MiniAuth__Storage__Path={path}", "MiniAuth__Sweeper__Interval=00:00:01",
            "Logging__LogLevel__MiniAuth.Storage.SessionSweeper=Information"];
        // An ended session is kept for AccessTokenLifetime + ClockSkew (1 h by default) before it may go.
        var keep = TimeSpan.FromHours(1);
        try
        {
            var hash = LibsodiumArgon2.Hash(Encoding.UTF8.GetBytes(BenchRun.Password), options.Argon2.MemoryKiB, options.Argon2.Iterations);
            var clock = Stopwatch.StartNew();
            DateTimeOffset sweepableAt;
            using (var seed = new StoreSeed(path))
            {
                seed.AddUsers(0, options.Users, hash);
                seed.AddSessions("sweep", Expiring, i => i % options.Users, DateTimeOffset.UtcNow.AddDays(7));
                // Time enough to start, sign in and measure restores before they all become sweepable.
                sweepableAt = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(35) + clock.Elapsed;
                seed.SetExpiry("sweep", sweepableAt - keep);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seeded {Expiring} sessions in {clock.Elapsed.TotalSeconds:F0} s; sweepable at {sweepableAt:HH:mm:ss}"));

            await using (var server = await BenchRun.StartMiniAuthAsync(Name, miniAuthDll, folder.FullName, root, options.Argon2, env))
            {
                using var client = LoadGenerator.ClientFor(server);
                var vus = Enumerable.Range(0, options.Users).Select(i => new VirtualUser(i, $"bench-user-{i}@example.test")).ToList();
                foreach (var vu in vus)
                    if (!await MiniAuthSteps.LoginAsync(client, vu)) throw new InvalidOperationException($"Login of {vu.Email} failed.");
                md.Append(await MeasureAsync(server, client, vus, sweepableAt));
            }

            md.AppendLine().AppendLine($"The store file over fill-and-sweep cycles ({Expiring} ended sessions seeded with MiniAuth stopped, swept at its start):").AppendLine();
            md.AppendLine("| cycle | MiB after the seed | MiB after the sweep | sessions swept |").AppendLine("|---|---:|---:|---:|");
            for (var cycle = 1; cycle <= Cycles; cycle++)
            {
                using (var seed = new StoreSeed(path)) seed.AddSessions($"cycle{cycle}-", Expiring, i => i % options.Users, DateTimeOffset.UtcNow - keep - TimeSpan.FromHours(1));
                var seeded = StoreSeed.SizeOf(path);
                var swept = 0;
                await using (var server = await BenchRun.StartMiniAuthAsync(Name, miniAuthDll, folder.FullName, root, options.Argon2, env))
                {
                    for (var wait = Stopwatch.StartNew(); wait.Elapsed < TimeSpan.FromMinutes(3) && (swept = Swept(server)) == 0;) await Task.Delay(200);
                    await Task.Delay(2000);
                }
                md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {cycle} | {seeded / 1048576.0:F1} | {StoreSeed.SizeOf(path) / 1048576.0:F1} | {swept} |"));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        return md.ToString();
    }

    // Restores all along; the requests that started before the sessions became sweepable against
    // those that started while the sweep ran (until the sweeper logged it).
    static async Task<string> MeasureAsync(ServerProcess server, HttpClient client, List<VirtualUser> vus, DateTimeOffset sweepableAt)
    {
        var samples = new System.Collections.Concurrent.ConcurrentBag<(DateTimeOffset At, double Micros, bool Ok)>();
        DateTimeOffset? sweptAt = null;
        var swept = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(30, (sweepableAt - DateTimeOffset.UtcNow).TotalSeconds + 120)));
        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && (swept = Swept(server)) == 0) await Task.Delay(50);
            sweptAt = DateTimeOffset.UtcNow;
            await Task.Delay(5000);
            await stop.CancelAsync();
        });
        var cpuBefore = server.CpuTime();
        var started = DateTimeOffset.UtcNow;
        await Task.WhenAll(vus.Select(vu => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var at = DateTimeOffset.UtcNow;
                var begin = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await MiniAuthSteps.RestoreAsync(client, vu); }
                catch (HttpRequestException) { ok = false; }
                samples.Add((at, Stopwatch.GetElapsedTime(begin).TotalMicroseconds, ok));
            }
        })));
        await watch;
        var cpu = server.CpuTime() - cpuBefore;
        if (sweepableAt < started.AddSeconds(5))
            return $"\nThe sweep measurement is void: the sessions became sweepable {(started - sweepableAt).TotalSeconds:F0} s before the restores started (a slow seed).\n";

        var before = samples.Where(s => s.At < sweepableAt).Select(s => s.Micros).Order().ToArray();
        var during = samples.Where(s => s.At >= sweepableAt && s.At <= (sweptAt ?? DateTimeOffset.MaxValue)).Select(s => s.Micros).Order().ToArray();
        var took = ((sweptAt ?? DateTimeOffset.UtcNow) - sweepableAt).TotalSeconds;
        var outcome = swept > 0
            ? string.Create(CultureInfo.InvariantCulture, $"swept {swept} in {took:F1} s after they became sweepable (within its 1 s interval); ")
            : string.Create(CultureInfo.InvariantCulture, $"the sweep had not finished {took:F0} s after they became sweepable (no `Swept` line yet), so \"during\" is that whole time; ");
        var md = new StringBuilder().AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"The sweeper under load: {Expiring} sessions sweepable at once while {vus.Count} virtual users restore; {outcome}" +
            $"{samples.Count(s => !s.Ok)} errors, {cpu.TotalMicroseconds / samples.Count:F0} µs of server CPU per restore over the whole run.")).AppendLine();
        md.AppendLine("| restores | requests | p50 ms | p99 ms | max ms |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (label, set) in new[] { ("before the sweep", before), ("during the sweep", during) })
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {set.Length} | {P(set, 0.5) / 1000:F2} | {P(set, 0.99) / 1000:F2} | {(set.Length == 0 ? double.NaN : set[^1]) / 1000:F2} |"));
        md.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"p99 during ÷ before: {P(during, 0.99) / P(before, 0.99):F2} (target ≤ 2); the longest restore during the sweep, {(during.Length == 0 ? double.NaN : during[^1]) / 1000:F1} ms, bounds the longest store pause a request saw (target ≤ 50 ms, less the restore's own time)."));
        return md.ToString();
    }

    static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    static int Swept(ServerProcess server) =>
        SweptLine().Matches(server.Output()).Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"Swept (\d+) ended sessions")]
    private static partial Regex SweptLine();
}
