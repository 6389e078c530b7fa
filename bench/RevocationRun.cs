using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace MiniAuth.Bench;

// --scenarios revocation: samples/Board on MiniAuth.AspNetCore against MiniAuth, over real sockets.
// How long after a logout Board's first 401 comes (bound: Board's poll interval plus one request),
// and what the in-memory revocation check costs per request (Board with it on, and off, same run).
public static class RevocationRun
{
    const int Trials = 8;
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var root = BenchRun.FindRepositoryRoot();
        var started = DateTimeOffset.UtcNow;
        var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var miniAuthDll = options.SkipBuild ? Path.Combine(root, "bin/Release/net10.0/MiniAuth.dll") : BenchRun.BuildMiniAuth(root);
        var boardDll = BuildBoard(root);
        var store = Directory.CreateTempSubdirectory("miniauth-bench-");
        try
        {
            await using var miniAuth = await BenchRun.StartMiniAuthAsync("MiniAuth", miniAuthDll, store.FullName, root, options.Argon2);
            await using var checking = await StartBoardAsync("Board, revocation on", boardDll, miniAuth, check: true);
            await using var plain = await StartBoardAsync("Board, revocation off", boardDll, miniAuth, check: false);
            using var auth = LoadGenerator.ClientFor(miniAuth);
            using var board = LoadGenerator.ClientFor(checking);
            using var plainBoard = LoadGenerator.ClientFor(plain);

            Console.WriteLine($"Logout to Board's first 401, {Trials} times (poll interval {PollInterval.TotalSeconds} s)...");
            var delays = new List<double>();
            for (var i = 0; i < Trials; i++) delays.Add((await LogoutToRefusalAsync(auth, board, i)).TotalMilliseconds);
            delays.Sort();

            var users = Enumerable.Range(0, options.Users).Select(i => new VirtualUser(i, $"bench-cost-{i}@example.test")).ToList();
            foreach (var user in users)
            {
                if (!await MiniAuthSteps.SignUpAsync(auth, user.Email) || !await MiniAuthSteps.LoginAsync(auth, user))
                    throw new InvalidOperationException($"Signup or login of {user.Email} failed.");
            }
            var warmup = TimeSpan.FromSeconds(options.Warmup);
            var duration = TimeSpan.FromSeconds(options.Duration);
            var results = new List<ScenarioResult>();
            // Both Boards' JIT brought to its final tier first, unrecorded.
            foreach (var (server, client) in new[] { (plain, plainBoard), (checking, board) })
                await LoadGenerator.RunAsync("warm-up", server, users, 2 * warmup, duration, options.MaxRequests,
                    u => MiniAuthSteps.GetAsync(client, "/board/me", u.AccessToken));
            // Off, on, off, on: the machine's drift shows between the two pairs.
            foreach (var (server, client) in new[] { (plain, plainBoard), (checking, board), (plain, plainBoard), (checking, board) })
            {
                var result = await LoadGenerator.RunAsync("GET /board/me", server, users, warmup, duration, options.MaxRequests,
                    u => MiniAuthSteps.GetAsync(client, "/board/me", u.AccessToken));
                results.Add(result);
                Console.WriteLine(Report.Line(result));
            }

            var markdown = Markdown(started, loadBefore, File.ReadAllText("/proc/loadavg").Split(' ')[0], options, delays, results);
            var output = Path.GetFullPath(Path.Combine(root, options.Output));
            Directory.CreateDirectory(output);
            await File.WriteAllTextAsync(Path.Combine(output, "revocation.md"), markdown);
            Console.WriteLine();
            Console.WriteLine(markdown);
            return results.Any(r => r.Errors > 0) ? 1 : 0;
        }
        finally
        {
            store.Delete(recursive: true);
        }
    }

    // Signs up, checks Board accepts the token, logs out at MiniAuth, then asks Board back to back
    // until it refuses: the time from the logout's answer to the first 401.
    static async Task<TimeSpan> LogoutToRefusalAsync(HttpClient auth, HttpClient board, int trial)
    {
        var user = new VirtualUser(trial, $"bench-revoked-{trial}-{Guid.NewGuid():N}@example.test");
        if (!await MiniAuthSteps.SignUpAsync(auth, user.Email) || !await MiniAuthSteps.LoginAsync(auth, user))
            throw new InvalidOperationException("Signup or login failed.");
        if (!await MiniAuthSteps.GetAsync(board, "/board/me", user.AccessToken)) throw new InvalidOperationException("Board refused a live token.");
        // Somewhere in the poll cycle, not in step with it.
        await Task.Delay(Random.Shared.Next(0, (int)PollInterval.TotalMilliseconds));
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        using (var ended = await auth.SendAsync(logout))
            if (ended.StatusCode != HttpStatusCode.NoContent) throw new InvalidOperationException($"Logout answered {ended.StatusCode}.");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < 3 * PollInterval)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/board/me");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
            using var response = await board.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Unauthorized) return clock.Elapsed;
            await Task.Delay(5);
        }
        throw new InvalidOperationException($"Board still accepted a logged-out token {3 * PollInterval.TotalSeconds} s after the logout.");
    }

    static Task<ServerProcess> StartBoardAsync(string name, string dll, ServerProcess miniAuth, bool check) =>
        ServerProcess.StartAsync(name, "dotnet", [dll], new Dictionary<string, string>
        {
            ["Board__Authority"] = miniAuth.Address.ToString().TrimEnd('/'),
            ["Board__Issuer"] = "miniauth",
            ["Board__CheckRevocation"] = check ? "true" : "false",
            ["Board__PollInterval"] = PollInterval.ToString("c", CultureInfo.InvariantCulture),
        }, Path.GetDirectoryName(dll)!);

    static string BuildBoard(string root)
    {
        Console.WriteLine("Building samples/Board (Release)...");
        var project = Path.Combine(root, "samples/Board/Board.csproj");
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "q"]) { WorkingDirectory = root })!;
        build.WaitForExit();
        var dll = Path.Combine(root, "samples/Board/bin/Release/net10.0/Board.dll");
        if (build.ExitCode != 0 || !File.Exists(dll)) throw new InvalidOperationException($"The Release build of Board failed ({dll}).");
        return dll;
    }

    static string Markdown(DateTimeOffset started, string loadBefore, string loadAfter, BenchOptions options, List<double> delays,
        List<ScenarioResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"Revocation run of {started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {loadBefore} before and {loadAfter} after; {options.Users} virtual users, {options.Duration} s per load after {options.Warmup} s of warm-up. {options.Note}");
        text.AppendLine();
        text.AppendLine(inv, $"Logout to Board's first 401 over sockets, {delays.Count} logouts at random points of the {PollInterval.TotalSeconds} s poll cycle: " +
            $"min {delays[0]:F0} ms, median {delays[delays.Count / 2]:F0} ms, max {delays[^1]:F0} ms (bound: the poll interval plus one request).");
        text.AppendLine();
        text.AppendLine("| Board | req/s | p50 ms | p99 ms | server CPU µs/req | errors |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            text.AppendLine(inv, $"| {r.Server} | {r.RequestsPerSecond:F0} | {r.P50Micros / 1000:F2} | {r.P99Micros / 1000:F2} | {r.CpuMicrosPerRequest:F0} | {r.Errors} |");
        double Mean(bool on, Func<ScenarioResult, double> f) => results.Where(r => r.Server.EndsWith(on ? "on" : "off", StringComparison.Ordinal)).Average(f);
        text.AppendLine();
        text.AppendLine(inv, $"Check on ÷ off: {Mean(true, r => r.CpuMicrosPerRequest) / Mean(false, r => r.CpuMicrosPerRequest):F2} × the CPU per request, " +
            $"{Mean(true, r => r.RequestsPerSecond) / Mean(false, r => r.RequestsPerSecond):F2} × the requests/s.");
        return text.ToString();
    }
}
