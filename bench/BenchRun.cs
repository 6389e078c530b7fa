using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MiniAuth.Bench;

public static class BenchRun
{
    public const string Password = "correct horse battery staple";
    // The memory reading of MiniAuth and Identity once both have run the same set-up and paths.
    internal const string SameWork = " after the paths both ran";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var root = FindRepositoryRoot();
        var output = Path.GetFullPath(Path.Combine(root, options.Output));
        Directory.CreateDirectory(output);
        var started = DateTimeOffset.UtcNow;
        var loadBefore = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        Console.WriteLine($"MiniAuth benchmark: {options.Users} virtual users, {options.Duration} s per scenario after {options.Warmup} s of warm-up.");

        var miniAuthDll = options.SkipBuild ? Path.Combine(root, "bin/Release/net10.0/MiniAuth.dll") : BuildMiniAuth(root);
        var hashing = options.SkipHashing ? [] : await ProbeHashingAsync(options.Argon2);

        var store = Directory.CreateTempSubdirectory("miniauth-bench-");
        var (self, selfArgs) = SelfCommand();
        var results = new List<ScenarioResult>();
        var sections = new System.Text.StringBuilder();
        var idle = new List<(string Server, double MiB, double PrivateMiB)>();
        try
        {
            await using var bare = await ServerProcess.StartAsync("ceiling: bare Minimal API", self, [.. selfArgs, "serve", "bare"],
                new Dictionary<string, string>(), root);
            await using var jwt = await ServerProcess.StartAsync("ceiling: JwtBearer ES256", self, [.. selfArgs, "serve", "jwt"],
                new Dictionary<string, string>(), root);
            // MiniAuth as built from this checkout, and optionally a baseline build (another checkout's
            // MiniAuth.dll) measured in the same run: an optimisation's before and after, side by side.
            var targets = new List<Target>();
            await using var miniAuth = await StartMiniAuthAsync("MiniAuth", miniAuthDll, store.FullName, root, options.Argon2, options.MiniAuthEnvironment);
            targets.Add(new Target(miniAuth, LoadGenerator.ClientFor(miniAuth)));
            await using var baseline = options.Baseline is { } baselineDll
                ? await StartMiniAuthAsync(options.BaselineName, Path.GetFullPath(baselineDll, root), store.FullName, root, options.Argon2, options.BaselineEnvironment)
                : null;
            if (baseline is not null) targets.Add(new Target(baseline, LoadGenerator.ClientFor(baseline)));
            await using var identity = options.SkipIdentity ? null : await IdentityPeer.StartAsync(self, selfArgs, root, store.FullName);
            using var identityClient = identity is null ? null : LoadGenerator.ClientFor(identity);

            using var bareClient = LoadGenerator.ClientFor(bare);
            using var jwtClient = LoadGenerator.ClientFor(jwt);
            var accounts = Math.Max(options.Users, options.Burst);
            // Idle as started: up, answering /health, nothing else asked of it yet.
            void Idle(ServerProcess server, string when) => idle.Add((server.Name + when, server.ResidentBytes() / 1048576.0, server.PrivateBytes() / 1048576.0));
            await Task.Delay(1000);
            foreach (var server in targets.Select(t => t.Server).Append(identity).OfType<ServerProcess>()) Idle(server, " just started");
            foreach (var target in targets) target.Users = await MiniAuthSteps.SetUpUsersAsync(target.Client, accounts);
            // As many accounts as MiniAuth's, so both hold the same set-up in memory.
            var identityUsers = identityClient is null ? [] : await IdentityPeer.SetUpUsersAsync(identityClient, accounts);
            var ceilingToken = (await jwtClient.GetFromJsonAsync<JsonElement>("/token")).GetProperty("accessToken").GetString()!;
            var ceilingUsers = targets[0].Users.Take(options.Users).ToList();

            await Task.Delay(1000);
            foreach (var server in new[] { bare, jwt }.Concat(targets.Select(t => t.Server)))
                Idle(server, server.Name.StartsWith("ceiling", StringComparison.Ordinal) ? "" : $" after set-up ({accounts} signups and logins)");

            var warmup = TimeSpan.FromSeconds(options.Warmup);
            var duration = TimeSpan.FromSeconds(options.Duration);
            async Task Run(string scenario, ServerProcess server, IReadOnlyList<VirtualUser> vus, Func<VirtualUser, Task<bool>> step,
                TimeSpan? warm = null, TimeSpan? length = null, long? max = null)
            {
                var result = await LoadGenerator.RunAsync(scenario, server, vus, warm ?? warmup, length ?? duration, max ?? options.MaxRequests, step);
                results.Add(result);
                Console.WriteLine(Report.Line(result));
            }

            var sameWorkRead = false;
            async Task SameWorkDone()
            {
                if (identity is null || sameWorkRead) return;
                sameWorkRead = true;
                await Task.Delay(1000);
                Idle(targets[0].Server, SameWork);
                Idle(identity, SameWork);
            }

            Task<bool> Bare(VirtualUser _) => MiniAuthSteps.GetAsync(bareClient, "/profile", null);
            Task<bool> Jwt(VirtualUser _) => MiniAuthSteps.GetAsync(jwtClient, "/profile", ceilingToken);
            // The first pass also brings the ceilings' JIT to its final tier, as MiniAuth's set-up did for it.
            await Run("ceiling", bare, ceilingUsers, Bare, warm: 2 * warmup);
            await Run("ceiling", jwt, ceilingUsers, Jwt, warm: 2 * warmup);

            var chosen = options.Scenarios.ToHashSet(StringComparer.OrdinalIgnoreCase);
            // First, on servers fresh from their set-up: what 64 logins at once add to the idle memory.
            if (chosen.Contains("burst"))
            {
                foreach (var target in targets)
                {
                    // Every connection is opened first, so the logins really arrive together.
                    var burst = target.Users.Take(options.Burst).ToList();
                    await Task.WhenAll(burst.Select(_ => target.Client.GetAsync("/health")));
                    await Run($"burst of {options.Burst} logins", target.Server, burst, u => MiniAuthSteps.LoginAsync(target.Client, u),
                        warm: TimeSpan.Zero, length: TimeSpan.FromSeconds(60), max: options.Burst);
                }
                if (identity is not null)
                {
                    var burst = identityUsers.Take(options.Burst).ToList();
                    await Task.WhenAll(burst.Select(_ => identityClient!.GetAsync("/health")));
                    await Run($"burst of {options.Burst} logins", identity, burst, IdentityPeer.Step(identityClient!, "login"),
                        warm: TimeSpan.Zero, length: TimeSpan.FromSeconds(60), max: options.Burst);
                }
            }

            // Identity's paths first: after them both servers have done the same work, and their
            // memory is read there (the issue's comparison); MiniAuth's own paths come after.
            foreach (var name in new[] { "fetchProfile", "restoreAccessToken", "login", "mix", "signup" }.Where(chosen.Contains))
            {
                if (name == "mix") await SameWorkDone();
                foreach (var target in targets)
                {
                    var client = target.Client;
                    var vus = target.Users.Take(options.Users).ToList();
                    Func<VirtualUser, Task<bool>> step = name switch
                    {
                        "fetchProfile" => u => MiniAuthSteps.GetAsync(client, "/profile", u.AccessToken),
                        "restoreAccessToken" => u => MiniAuthSteps.RestoreAsync(client, u),
                        "mix" => u => u.Random.Next(100) switch
                        {
                            < 95 => MiniAuthSteps.GetAsync(client, "/profile", u.AccessToken),
                            < 99 => MiniAuthSteps.RestoreAsync(client, u),
                            _ => MiniAuthSteps.LoginAsync(client, u),
                        },
                        "login" => u => MiniAuthSteps.LoginAsync(client, u),
                        _ => _ => MiniAuthSteps.SignUpAsync(client, $"bench-{Guid.NewGuid():N}@example.test"),
                    };
                    await Run(name, target.Server, vus, step);
                }
                // The framework's own auth on the same path, right after MiniAuth's (bench/IdentityPeer.cs).
                if (identity is not null && IdentityPeer.Paths.ContainsKey(name))
                    await Run(name, identity, identityUsers.Take(options.Users).ToList(), IdentityPeer.Step(identityClient!, name));
            }
            await SameWorkDone();
            if (chosen.Contains("bigstore")) await BigStore.RunAsync(options, miniAuthDll, root, (n, s, v, step) => Run(n, s, v, step));
            if (chosen.Contains("sweep")) sections.Append(await SweepUnderLoad.RunAsync(options, miniAuthDll, root));
            if (chosen.Contains("scaleout2")) sections.Append(await ScaleOut.RunAsync(options, miniAuthDll, root));
            if (chosen.Contains("singlefile")) sections.Append(await SingleFile.RunAsync(root));
            // The ceilings again: how far the machine drifted during the run.
            await Run("ceiling (again)", bare, ceilingUsers, Bare);
            await Run("ceiling (again)", jwt, ceilingUsers, Jwt);
            await Task.Delay(1000);
            foreach (var target in targets)
            {
                Idle(target.Server, " after the run");
                target.Client.Dispose();
            }
        }
        finally
        {
            store.Delete(recursive: true);
        }

        var report = new Report(options, results, hashing, idle, Environment.ProcessorCount, started, loadBefore,
            File.ReadAllText("/proc/loadavg").Split(' ')[0]);
        await File.WriteAllTextAsync(Path.Combine(output, "results.md"), report.Markdown() + sections);
        await File.WriteAllTextAsync(Path.Combine(output, "chart.svg"), report.Svg());
        Console.WriteLine();
        Console.WriteLine(report.Markdown() + sections);
        Console.WriteLine($"Written: {Path.Combine(output, "results.md")} and chart.svg");
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    sealed class Target(ServerProcess server, HttpClient client)
    {
        public ServerProcess Server { get; } = server;
        public HttpClient Client { get; } = client;
        public List<VirtualUser> Users { get; set; } = [];
    }

    internal static Task<ServerProcess> StartMiniAuthAsync(string name, string dll, string storeFolder, string root, Argon2Settings argon2,
        IEnumerable<string>? extra = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["MiniAuth__Storage__Path"] = Path.Combine(storeFolder, name.Replace(' ', '-') + ".db"),
            // The benchmark measures the endpoints, not the brute-force brakes in front of them.
            // Enabled=false turns off both the per-IP limit and the failed-login throttle.
            ["MiniAuth__RateLimiting__Enabled"] = "false",
            ["MiniAuth__PasswordHashing__MemoryKiB"] = argon2.MemoryKiB.ToString(CultureInfo.InvariantCulture),
            ["MiniAuth__PasswordHashing__Iterations"] = argon2.Iterations.ToString(CultureInfo.InvariantCulture),
            ["MiniAuth__PasswordHashing__Parallelism"] = argon2.Parallelism.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var pair in extra ?? [])
            environment[pair.Split('=', 2)[0]] = pair.Split('=', 2) is [_, var value] ? value : "";
        return ServerProcess.StartAsync(name, "dotnet", [dll], environment, Path.GetDirectoryName(dll)!);
    }

    internal static string BuildMiniAuth(string root)
    {
        Console.WriteLine("Building MiniAuth (Release)...");
        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(root, "MiniAuth.csproj"), "-c", "Release", "-nologo", "-v", "q"])
        {
            WorkingDirectory = root,
        })!;
        build.WaitForExit();
        var dll = Path.Combine(root, "bin/Release/net10.0/MiniAuth.dll");
        if (build.ExitCode != 0 || !File.Exists(dll)) throw new InvalidOperationException($"The Release build of MiniAuth failed ({dll}).");
        return dll;
    }

    // Each engine in processes of its own, hashing back to back: one thread; a thread per core in
    // one process (as MiniAuth hashes); and, for libsodium, one process per core at the same time
    // (the same hashing without a shared address space).
    static async Task<List<HashProbe.Result>> ProbeHashingAsync(Argon2Settings argon2)
    {
        Console.WriteLine($"Probing Argon2id engines at {argon2}...");
        var cores = Environment.ProcessorCount;
        var results = new List<HashProbe.Result>();
        // libsodium computes one lane only; with p>1 MiniAuth hashes with Isopoh alone.
        var engines = argon2.Parallelism == 1 ? new[] { "libsodium", "isopoh" } : ["isopoh"];
        foreach (var engine in engines)
        {
            foreach (var (threads, processes) in new[] { (1, 1), (cores, 1), (1, cores) })
            {
                if (processes > 1 && engine != "libsodium") continue;
                var startAt = DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeMilliseconds();
                var probes = Enumerable.Range(0, processes).Select(_ => Task.Run(() => Probe(engine, threads, startAt))).ToArray();
                var result = HashProbe.Result.Together(await Task.WhenAll(probes));
                // Processes that hashed apart would look faster together than they are.
                if (result.Overlap < 0.95)
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"The {processes} {engine} probe processes hashed at the same time for only {result.Overlap:P0} of the run; run again on a quieter machine."));
                results.Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {engine}, {threads} thread(s) in each of {processes} process(es): {result.HashesPerSecond:F1} hashes/s, {result.CpuMsPerHash:F1} ms CPU " +
                    $"per hash ({result.KernelMsPerHash:F1} in the kernel, {result.FaultsPerHash:F0} page faults), {result.BusyCores:F2} cores busy, " +
                    $"peak +{result.PeakMiBPerHash:F1} MiB and {result.ManagedMiBPerHash:F1} MiB managed per hash, all hashing together {result.Overlap:P0} of the time"));
            }
        }
        return results;

        HashProbe.Result Probe(string engine, int threads, long startAt)
        {
            var (self, selfArgs) = SelfCommand();
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in selfArgs.Concat(["hash-probe", engine, $"{argon2.MemoryKiB}", $"{argon2.Iterations}", $"{argon2.Parallelism}",
                $"{threads}", "3", $"{startAt}"]))
                start.ArgumentList.Add(a);
            using var probe = Process.Start(start)!;
            var line = probe.StandardOutput.ReadToEnd();
            probe.WaitForExit();
            if (probe.ExitCode != 0) throw new InvalidOperationException($"The {engine} hash probe failed.");
            return HashProbe.Parse(line);
        }
    }

    static (string File, string[] Args) SelfCommand()
    {
        var path = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [typeof(BenchRun).Assembly.Location])
            : (path, []);
    }

    internal static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MiniAuth.csproj"))) return dir.FullName;
        }
        throw new InvalidOperationException("Run the benchmark from the MiniAuth repository (MiniAuth.csproj not found).");
    }
}
