using System.Diagnostics;

namespace MiniAuth.Bench;

// What one virtual user carries from one request to its next.
public sealed class VirtualUser(int index, string email)
{
    public int Index { get; } = index;
    public string Email { get; } = email;
    public string AccessToken { get; set; } = "";
    public string RefreshToken { get; set; } = "";
    public Random Random { get; } = new(index * 7919 + 17);
}

public sealed record ScenarioResult(
    string Scenario, string Server, int Users, long Requests, long Errors, double Seconds,
    double P50Micros, double P99Micros, double CpuMicrosPerRequest, double PeakMiB, string? FirstError, double ClientCpuCores)
{
    public double RequestsPerSecond => Requests / Seconds;
}

// Closed-loop load: each virtual user sends its next request when its previous answer is in.
// Bounded in time and in count, and it only ever talks to a server this run started on 127.0.0.1.
public static class LoadGenerator
{
    public static HttpClient ClientFor(ServerProcess server)
    {
        if (server.Address.Host != "127.0.0.1") throw new InvalidOperationException("The load generator only targets 127.0.0.1.");
        return new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 4096,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = server.Address,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    // step sends one request and says whether its answer was the expected one.
    public static async Task<ScenarioResult> RunAsync(string scenario, ServerProcess server, IReadOnlyList<VirtualUser> users,
        TimeSpan warmup, TimeSpan duration, long maxRequests, Func<VirtualUser, Task<bool>> step)
    {
        if (warmup > TimeSpan.Zero) await LoopAsync(users, warmup, maxRequests, step, record: false);

        GC.Collect();
        var peakReset = server.ResetPeak();
        var cpuBefore = server.CpuTime();
        var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        using var sampling = new CancellationTokenSource();
        var sampledPeak = SamplePeakAsync(server, sampling.Token);
        var clock = Stopwatch.StartNew();
        var run = await LoopAsync(users, duration, maxRequests, step, record: true);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = server.CpuTime() - cpuBefore;
        // The load generator shares the cores: how much of them it took, in cores.
        var clientCores = (Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore).TotalSeconds / seconds;
        await sampling.CancelAsync();
        var peak = Math.Max(await sampledPeak, peakReset ? server.PeakResidentBytes() : 0);

        var latencies = run.Latencies;
        Array.Sort(latencies);
        return new ScenarioResult(scenario, server.Name, users.Count, run.Requests, run.Errors, seconds,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            run.Requests == 0 ? double.NaN : cpu.TotalMicroseconds / run.Requests,
            peak / 1048576.0, run.FirstError, clientCores);
    }

    sealed record LoopResult(long Requests, long Errors, double[] Latencies, string? FirstError);

    static async Task<LoopResult> LoopAsync(IReadOnlyList<VirtualUser> users, TimeSpan duration, long maxRequests,
        Func<VirtualUser, Task<bool>> step, bool record)
    {
        long started = 0, errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var perUser = await Task.WhenAll(users.Select(user => Task.Run(async () =>
        {
            var latencies = new List<double>(4096);
            while (clock.Elapsed < duration && Interlocked.Increment(ref started) <= maxRequests)
            {
                var begin = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await step(user); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    ok = false;
                    Interlocked.CompareExchange(ref firstError, e.GetType().Name + ": " + e.Message, null);
                }
                if (record) latencies.Add(Stopwatch.GetElapsedTime(begin).TotalMicroseconds);
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, "unexpected status", null);
                }
            }
            return latencies;
        })));
        var all = perUser.SelectMany(l => l).ToArray();
        return new LoopResult(all.Length, errors, all, firstError);
    }

    static async Task<long> SamplePeakAsync(ServerProcess server, CancellationToken ct)
    {
        long peak = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentBytes());
                await Task.Delay(50, ct);
            }
        }
        catch (OperationCanceledException) { }
        return Math.Max(peak, server.ResidentBytes());
    }

    static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
