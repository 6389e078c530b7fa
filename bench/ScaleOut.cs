using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace MiniAuth.Bench;

// `--scenarios scaleout2`: two MiniAuth instances on the same Redis + PostgreSQL (the run's
// --miniauth-env names them), the virtual users split between them, fetchProfile and
// restoreAccessToken; CPU per request is both instances' CPU over both instances' requests.
public static class ScaleOut
{
    public static async Task<string> RunAsync(BenchOptions options, string miniAuthDll, string root)
    {
        var folder = Directory.CreateTempSubdirectory("miniauth-scaleout-");
        try
        {
            await using var a = await BenchRun.StartMiniAuthAsync("MiniAuth instance A", miniAuthDll, folder.FullName, root, options.Argon2, options.MiniAuthEnvironment);
            await using var b = await BenchRun.StartMiniAuthAsync("MiniAuth instance B", miniAuthDll, folder.FullName, root, options.Argon2, options.MiniAuthEnvironment);
            using var clientA = LoadGenerator.ClientFor(a);
            using var clientB = LoadGenerator.ClientFor(b);
            var vus = Enumerable.Range(0, options.Users).Select(i => new VirtualUser(i, $"bench-scaleout-{Guid.NewGuid():N}@example.test")).ToList();
            HttpClient Of(VirtualUser u) => u.Index % 2 == 0 ? clientA : clientB;
            foreach (var vu in vus)
            {
                using var signup = await Of(vu).PostAsJsonAsync("/auth/signup", new { email = vu.Email, password = BenchRun.Password });
                if (!signup.IsSuccessStatusCode || !await MiniAuthSteps.LoginAsync(Of(vu), vu)) throw new InvalidOperationException($"Set-up of {vu.Email} on two instances failed.");
            }
            var md = new StringBuilder().AppendLine().AppendLine("Two instances on the same servers, the virtual users split between them (both instances' CPU over both's requests):").AppendLine();
            md.AppendLine("| scenario | req/s | p50 ms | p99 ms | server CPU µs/req (A + B) | errors |").AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var (name, step) in new (string, Func<VirtualUser, Task<bool>>)[]
            {
                ("fetchProfile", u => MiniAuthSteps.GetAsync(Of(u), "/profile", u.AccessToken)),
                ("restoreAccessToken", u => MiniAuthSteps.RestoreAsync(Of(u), u)),
            })
            {
                await LoopAsync(vus, TimeSpan.FromSeconds(options.Warmup), step);
                var cpu = a.CpuTime() + b.CpuTime();
                var clock = Stopwatch.StartNew();
                var (latencies, errors) = await LoopAsync(vus, TimeSpan.FromSeconds(options.Duration), step);
                var seconds = clock.Elapsed.TotalSeconds;
                var used = a.CpuTime() + b.CpuTime() - cpu;
                Array.Sort(latencies);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"| {name}, 2 instances | {latencies.Length / seconds:F0} | {P(latencies, 0.5) / 1000:F2} | {P(latencies, 0.99) / 1000:F2} | {used.TotalMicroseconds / latencies.Length:F0} | {errors} |");
                md.AppendLine(line);
                Console.WriteLine("  " + line);
            }
            return md.ToString();
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    static async Task<(double[] Latencies, long Errors)> LoopAsync(List<VirtualUser> vus, TimeSpan duration, Func<VirtualUser, Task<bool>> step)
    {
        long errors = 0;
        var clock = Stopwatch.StartNew();
        var all = await Task.WhenAll(vus.Select(vu => Task.Run(async () =>
        {
            var latencies = new List<double>();
            while (clock.Elapsed < duration)
            {
                var begin = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await step(vu); }
                catch (HttpRequestException) { ok = false; }
                latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMicroseconds);
                if (!ok) Interlocked.Increment(ref errors);
            }
            return latencies;
        })));
        return (all.SelectMany(l => l).ToArray(), errors);
    }

    static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
