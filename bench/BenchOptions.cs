using System.Globalization;

namespace MiniAuth.Bench;

public sealed record BenchOptions
{
    // Seconds of measured load per scenario (after its warm-up).
    public double Duration { get; init; } = 10;
    public double Warmup { get; init; } = 3;
    // Virtual users: each one sends its next request when the previous answer has arrived.
    public int Users { get; init; } = 16;
    // A hard stop per scenario, whatever the duration.
    public long MaxRequests { get; init; } = 2_000_000;
    public int Burst { get; init; } = 64;
    public string[] Scenarios { get; init; } = ["fetchProfile", "restoreAccessToken", "login", "signup", "mix", "burst"];
    public string Output { get; init; } = "bench/results";
    public bool SkipBuild { get; init; }
    public bool SkipHashing { get; init; }
    // The ASP.NET Core Identity peer runs fetchProfile, restoreAccessToken and login unless skipped.
    public bool SkipIdentity { get; init; }
    // MiniAuth's Argon2id parameters for the run, and the engines' probe (default: MiniAuth's own).
    public Argon2Settings Argon2 { get; init; } = new(19456, 2, 1);
    // Another build's MiniAuth.dll, run beside this one through the same scenarios (before/after).
    public string? Baseline { get; init; }
    public string BaselineName { get; init; } = "MiniAuth baseline";
    // Extra environment for the MiniAuth process only (KEY=VALUE), to try a runtime setting.
    public IReadOnlyList<string> MiniAuthEnvironment { get; init; } = [];
    // The same for the baseline process: two builds compared on the same backend (Redis, say).
    public IReadOnlyList<string> BaselineEnvironment { get; init; } = [];
    // What the run is told about its machine, printed beside the table.
    public string Note { get; init; } = "";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--duration" => options with { Duration = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--users" => options with { Users = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--max-requests" => options with { MaxRequests = long.Parse(Next(), CultureInfo.InvariantCulture) },
                "--burst" => options with { Burst = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--scenarios" => options with { Scenarios = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--out" => options with { Output = Next() },
                "--note" => options with { Note = Next() },
                "--skip-build" => options with { SkipBuild = true },
                "--skip-hashing" => options with { SkipHashing = true },
                "--skip-identity" => options with { SkipIdentity = true },
                "--argon2" => options with { Argon2 = Argon2Settings.Parse(Next()) },
                "--baseline" => options with { Baseline = Next() },
                "--baseline-name" => options with { BaselineName = Next() },
                "--miniauth-env" => options with { MiniAuthEnvironment = [.. options.MiniAuthEnvironment, Next()] },
                "--baseline-env" => options with { BaselineEnvironment = [.. options.BaselineEnvironment, Next()] },
                var other => throw new ArgumentException($"Unknown option {other}. Options: --duration s --warmup s --users n " +
                    "--max-requests n --burst n --scenarios a,b --out dir --note text --skip-build --skip-hashing --skip-identity --argon2 m=19456,t=2,p=1 --baseline path/to/MiniAuth.dll --baseline-name text --miniauth-env KEY=VALUE --baseline-env KEY=VALUE"),
            };
        }
        if (options.Duration is <= 0 or > 600) throw new ArgumentException("--duration must be between 0 and 600 seconds.");
        if (options.Warmup is < 0 or > 60) throw new ArgumentException("--warmup must be between 0 and 60 seconds.");
        if (options.Users is < 1 or > 1024) throw new ArgumentException("--users must be between 1 and 1024.");
        if (options.Burst is < 1 or > 1024) throw new ArgumentException("--burst must be between 1 and 1024.");
        if (options.MaxRequests < 1) throw new ArgumentException("--max-requests must be positive.");
        return options;
    }
}

// Argon2id parameters as MiniAuth's PasswordHashing section takes them: m in KiB, t passes, p lanes.
public sealed record Argon2Settings(int MemoryKiB, int Iterations, int Parallelism)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"m={MemoryKiB},t={Iterations},p={Parallelism}");

    public static Argon2Settings Parse(string text)
    {
        var values = text.Split(',').Select(part => part.Split('=')).ToDictionary(kv => kv[0].Trim(), kv => kv.Length == 2 ? kv[1] : "");
        int Value(string name) => values.TryGetValue(name, out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new ArgumentException($"--argon2 takes m=KiB,t=passes,p=lanes (all positive), such as m=19456,t=2,p=1; got {text}.");
        return new Argon2Settings(Value("m"), Value("t"), Value("p"));
    }
}
