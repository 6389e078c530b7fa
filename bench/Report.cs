using System.Globalization;
using System.Net;
using System.Text;

namespace MiniAuth.Bench;

// The run as a markdown table (every figure beside the ceilings of the same run) and an SVG chart.
public sealed class Report(BenchOptions options, IReadOnlyList<ScenarioResult> results, IReadOnlyList<HashProbe.Result> hashing,
    IReadOnlyList<(string Server, double MiB, double PrivateMiB)> idle, int cores, DateTimeOffset started, string loadBefore, string loadAfter)
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Line(ScenarioResult r) => string.Create(Inv,
        $"  {r.Scenario,-22} {r.Server,-26} {r.RequestsPerSecond,9:F0} req/s  p50 {r.P50Micros / 1000,7:F2} ms  p99 {r.P99Micros / 1000,7:F2} ms  " +
        $"CPU {r.CpuMicrosPerRequest,8:F0} µs/req  server {r.RequestsPerSecond * r.CpuMicrosPerRequest / 1e6:F2} cores, load generator {r.ClientCpuCores:F2}  errors {r.Errors}  peak {r.PeakMiB:F0} MiB{(r.FirstError is null ? "" : "  first error: " + r.FirstError)}");

    IEnumerable<ScenarioResult> JwtCeilings => results.Where(r => r.Server.StartsWith("ceiling: JwtBearer", StringComparison.Ordinal));
    IEnumerable<ScenarioResult> BareCeilings => results.Where(r => r.Server.StartsWith("ceiling: bare", StringComparison.Ordinal));
    double JwtRps => JwtCeilings.Average(r => r.RequestsPerSecond);
    double JwtCpu => JwtCeilings.Average(r => r.CpuMicrosPerRequest);
    double BareRps => BareCeilings.Average(r => r.RequestsPerSecond);
    ScenarioResult? Find(string scenario) => results.FirstOrDefault(r => r.Scenario == scenario && r.Server == "MiniAuth");
    HashProbe.Result? Hash(string engine, int threads, int processes = 1) =>
        hashing.FirstOrDefault(h => h.Engine == engine && h.Threads == threads && h.Processes == processes);
    // The engine MiniAuth hashes with at the run's parameters.
    string LoginEngine => options.Argon2.Parallelism == 1 ? "libsodium" : "isopoh";

    // Logins per second the hashing alone allows: every core busy with one hash at a time, each
    // taking the CPU time one hash took alone (wall time would count the neighbours' load).
    double? LoginBound => Hash(LoginEngine, 1) is { } h ? cores * 1000 / h.CpuMsPerHash : null;

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(string.Create(Inv, $"Run of {started:yyyy-MM-dd HH:mm} UTC, {cores} cores, load average {loadBefore} just before (and {loadAfter} at the end, the run's own processes included); " +
            $"{options.Users} virtual users, {options.Duration:0.#} s per scenario after {options.Warmup:0.#} s of warm-up. {options.Note}").TrimEnd());
        md.AppendLine();
        md.AppendLine("| scenario | server | req/s | × JwtBearer req/s | p50 ms | p99 ms | server CPU µs/req | × JwtBearer CPU | server cores busy | load generator cores | errors | peak MiB |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(string.Create(Inv,
                $"| {r.Scenario} | {r.Server} | {r.RequestsPerSecond:F0} | {r.RequestsPerSecond / JwtRps:F2} | {r.P50Micros / 1000:F2} | {r.P99Micros / 1000:F2} | " +
                $"{r.CpuMicrosPerRequest:F0} | {r.CpuMicrosPerRequest / JwtCpu:F2} | {r.RequestsPerSecond * r.CpuMicrosPerRequest / 1e6:F2} | {r.ClientCpuCores:F2} | {r.Errors} | {r.PeakMiB:F0} |"));
        }
        var drift = JwtCeilings.Select(r => r.RequestsPerSecond).ToList();
        if (drift.Count > 1)
            md.AppendLine().AppendLine(string.Create(Inv,
                $"The JwtBearer ceiling ran {drift[0]:F0} req/s before the MiniAuth scenarios and {drift[^1]:F0} after " +
                $"({(drift[^1] / drift[0] - 1) * 100:+0;-0} %): the ratios use their mean. The bare ceiling averaged {BareRps:F0} req/s."));

        md.Append(IdentityPeer.Comparison(results));
        md.Append(BigStore.Comparison(results));
        var baselines = results.Where(r => options.Baseline is not null && r.Server == options.BaselineName).ToList();
        if (baselines.Count > 0)
        {
            md.AppendLine().AppendLine($"Before and after, same run: MiniAuth against {baselines[0].Server}.").AppendLine();
            md.AppendLine("| scenario | server CPU µs/req, before → after | × | req/s, before → after | × | peak MiB, before → after |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var before in baselines)
            {
                if (Find(before.Scenario) is not { } after) continue;
                md.AppendLine(string.Create(Inv,
                    $"| {before.Scenario} | {before.CpuMicrosPerRequest:F0} → {after.CpuMicrosPerRequest:F0} | {after.CpuMicrosPerRequest / before.CpuMicrosPerRequest:F2} | " +
                    $"{before.RequestsPerSecond:F0} → {after.RequestsPerSecond:F0} | {after.RequestsPerSecond / before.RequestsPerSecond:F2} | {before.PeakMiB:F0} → {after.PeakMiB:F0} |"));
            }
        }

        md.AppendLine().AppendLine("| target | measured | target | met |").AppendLine("|---|---:|---:|---|");
        if (Find("fetchProfile") is { } fetch)
            Target(md, "fetchProfile req/s ÷ JwtBearer ceiling", fetch.RequestsPerSecond / JwtRps, "≥ 0.60", fetch.RequestsPerSecond / JwtRps >= 0.6);
        if (Find("restoreAccessToken") is { } restore)
            Target(md, "restoreAccessToken server CPU µs/request", restore.CpuMicrosPerRequest, "≤ 350", restore.CpuMicrosPerRequest <= 350, "F0");
        // Issue 17's bound: the engine alone with a thread per core in one process (the page faults
        // of a fresh block per hash contend there, and they are the engine's).
        if (Find("login") is { } login && Hash(LoginEngine, cores) is { } perCore)
            Target(md, string.Create(Inv, $"login req/s ÷ {LoginEngine} alone, {cores} threads in one process ({perCore.HashesPerSecond:F0}/s)"),
                login.RequestsPerSecond / perCore.HashesPerSecond, "≥ 0.90", login.RequestsPerSecond / perCore.HashesPerSecond >= 0.9);
        if (results.FirstOrDefault(r => r.Scenario.StartsWith("burst", StringComparison.Ordinal)) is { } burst)
            Target(md, $"peak MiB, {burst.Scenario}", burst.PeakMiB, "≤ 250", burst.PeakMiB <= 250, "F0");
        if (Find("login") is { } loginCpu && Hash(LoginEngine, 1) is { } oneHash)
        {
            // Not a target: it tells whether a login's CPU is the hash or the rest.
            var share = oneHash.CpuMsPerHash * 1000 / loginCpu.CpuMicrosPerRequest;
            md.AppendLine(string.Create(Inv, $"| how much of a login's server CPU is the hash: one hash's CPU time ÷ login CPU per request (a diagnostic) | {share:F2} | — | — |"));
        }
        foreach (var when in new[] { "MiniAuth just started", "MiniAuth after set-up" })
        {
            if (idle.FirstOrDefault(i => i.Server.StartsWith(when, StringComparison.Ordinal)) is not { Server: not null } state) continue;
            Target(md, $"idle resident MiB (VmRSS), {state.Server["MiniAuth ".Length..]}", state.MiB, "≤ 100", state.MiB <= 100, "F0");
            Target(md, $"idle private MiB (RssAnon + RssShmem), {state.Server["MiniAuth ".Length..]}", state.PrivateMiB, "≤ 100", state.PrivateMiB <= 100, "F0");
        }
        // Memory is judged beside the framework's own auth doing the same work in the same run.
        if (idle.FirstOrDefault(i => i.Server == "MiniAuth" + BenchRun.SameWork) is { Server: not null } mine
            && idle.FirstOrDefault(i => i.Server == IdentityPeer.Name + BenchRun.SameWork) is { Server: not null } theirs)
            Target(md, "resident MiB after the same set-up and paths, MiniAuth ÷ ASP.NET Core Identity", mine.MiB / theirs.MiB, "≤ 1.00", mine.MiB <= theirs.MiB);

        if (hashing.Count > 0)
        {
            md.AppendLine().AppendLine(string.Create(Inv,
                $"Argon2id engines at {options.Argon2} ({options.Argon2.MemoryKiB / 1024.0:F0} MiB), each in processes of its own, hashing back to back:"));
            md.AppendLine().AppendLine("| engine | hashes/s, one thread | CPU ms per hash | of which in the kernel | page faults per hash | peak RSS per hash, MiB | × m | managed allocation per hash, MiB |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var one in hashing.Where(h => h.Threads == 1 && h.Processes == 1))
                md.AppendLine(string.Create(Inv,
                    $"| {one.Engine} | {one.HashesPerSecond:F1} | {one.CpuMsPerHash:F1} | {one.KernelMsPerHash:F1} | {one.FaultsPerHash:F0} | {one.PeakMiBPerHash:F1} | " +
                    $"{one.PeakMiBPerHash / (options.Argon2.MemoryKiB / 1024.0):F1} | {one.ManagedMiBPerHash:F1} |"));

            if (LoginBound is { } hashBound)
            {
                // Where the hashing bound goes when every core hashes: the engine alone, one thread
                // per core in one process (MiniAuth's shape) and one process per core; then MiniAuth.
                md.AppendLine().AppendLine(string.Create(Inv, $"Logins per second against the hashing bound ({LoginEngine}, cores ÷ one hash's CPU time = {hashBound:F0}/s):"));
                md.AppendLine().AppendLine("| hashing | per second | × bound | cores busy | CPU ms per hash | of which in the kernel |").AppendLine("|---|---:|---:|---:|---:|---:|");
                foreach (var (label, probe) in new[] { ("one thread", Hash(LoginEngine, 1)), ($"{cores} threads in one process", Hash(LoginEngine, cores)),
                    ($"{cores} processes at once", Hash(LoginEngine, 1, cores)) })
                {
                    if (probe is null) continue;
                    var together = probe.Processes > 1 ? string.Create(Inv, $" (all hashing {probe.Overlap:P0} of the time)") : "";
                    md.AppendLine(string.Create(Inv,
                        $"| {LoginEngine} alone, {label}{together} | {probe.HashesPerSecond:F0} | {probe.HashesPerSecond / hashBound:F2} | {probe.BusyCores:F2} | {probe.CpuMsPerHash:F1} | {probe.KernelMsPerHash:F1} |"));
                }
                if (Find("login") is { } logins)
                    md.AppendLine(string.Create(Inv,
                        $"| MiniAuth login, {options.Users} virtual users | {logins.RequestsPerSecond:F0} | {logins.RequestsPerSecond / hashBound:F2} | {logins.RequestsPerSecond * logins.CpuMicrosPerRequest / 1e6:F2} | {logins.CpuMicrosPerRequest / 1000:F1} | |"));
            }
        }

        md.AppendLine().AppendLine("| idle memory | resident MiB (VmRSS) | private MiB (RssAnon + RssShmem) |").AppendLine("|---|---:|---:|");
        foreach (var (server, mib, privateMib) in idle) md.AppendLine(string.Create(Inv, $"| {server} | {mib:F0} | {privateMib:F0} |"));
        return md.ToString();
    }

    static void Target(StringBuilder md, string name, double value, string target, bool met, string format = "F2") =>
        md.AppendLine($"| {name} | {value.ToString(format, Inv)} | {target} | {(met ? "yes" : "**no**")} |");

    // Two log-scale panels, one bar per row of the table: requests/s and server CPU per request.
    public string Svg()
    {
        var rows = results.ToList();
        const int labelWidth = 330, panelWidth = 330, gap = 40, barHeight = 18, rowHeight = 26, top = 70;
        var width = labelWidth + 2 * panelWidth + gap + 20;
        var height = top + rows.Count * rowHeight + 50;
        var svg = new StringBuilder();
        svg.AppendLine(string.Create(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.AppendLine(string.Create(Inv, $"<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">MiniAuth against its ceilings, same run ({started:yyyy-MM-dd HH:mm} UTC, {cores} cores, {options.Users} virtual users)</text>"));
        Panel(svg, "requests/s (log scale; × JwtBearer ceiling)", labelWidth, r => r.RequestsPerSecond, JwtRps);
        Panel(svg, "server CPU µs per request (log scale; × JwtBearer)", labelWidth + panelWidth + gap, r => r.CpuMicrosPerRequest, JwtCpu);
        for (var i = 0; i < rows.Count; i++)
        {
            var y = top + i * rowHeight + barHeight - 4;
            svg.AppendLine(string.Create(Inv, $"<text x=\"{labelWidth - 8}\" y=\"{y}\" text-anchor=\"end\">{Escape(rows[i].Server.StartsWith("ceiling", StringComparison.Ordinal) ? rows[i].Server + (rows[i].Scenario.Contains("again") ? " (again)" : "") : rows[i].Scenario + " — " + rows[i].Server)}</text>"));
        }
        svg.AppendLine(string.Create(Inv, $"<text x=\"10\" y=\"{height - 16}\" fill=\"#555\">Grey: ceilings (bare Minimal API, stock JwtBearer ES256). Blue: MiniAuth. Green: ASP.NET Core Identity. Orange: the baseline build, if any. Written by bench/ (dotnet run -c Release --project bench).</text>"));
        svg.AppendLine("</svg>");
        return svg.ToString();

        void Panel(StringBuilder s, string title, int x0, Func<ScenarioResult, double> value, double reference)
        {
            var values = rows.Select(value).Where(v => v > 0 && double.IsFinite(v)).ToList();
            var lo = Math.Floor(Math.Log10(values.Min()));
            var hi = Math.Ceiling(Math.Log10(values.Max()));
            if (hi <= lo) hi = lo + 1;
            double X(double v) => x0 + (Math.Log10(v) - lo) / (hi - lo) * (panelWidth - 110);
            s.AppendLine(string.Create(Inv, $"<text x=\"{x0}\" y=\"48\" font-weight=\"bold\">{Escape(title)}</text>"));
            for (var d = lo; d <= hi; d++)
            {
                var x = X(Math.Pow(10, d));
                s.AppendLine(string.Create(Inv, $"<line x1=\"{x:F1}\" y1=\"{top - 8}\" x2=\"{x:F1}\" y2=\"{top + rows.Count * rowHeight}\" stroke=\"#ddd\"/>"));
                s.AppendLine(string.Create(Inv, $"<text x=\"{x:F1}\" y=\"{top + rows.Count * rowHeight + 14}\" text-anchor=\"middle\" fill=\"#555\">{Math.Pow(10, d):0.#########}</text>"));
            }
            for (var i = 0; i < rows.Count; i++)
            {
                var v = value(rows[i]);
                if (!(v > 0) || !double.IsFinite(v)) continue;
                var y = top + i * rowHeight;
                var colour = rows[i].Server.StartsWith("ceiling", StringComparison.Ordinal) ? "#9e9e9e" : rows[i].Server == "MiniAuth" ? "#1f77b4" : rows[i].Server == IdentityPeer.Name ? "#2ca02c" : "#ff7f0e";
                var w = Math.Max(1, X(v) - x0);
                s.AppendLine(string.Create(Inv, $"<rect x=\"{x0}\" y=\"{y}\" width=\"{w:F1}\" height=\"{barHeight}\" fill=\"{colour}\"/>"));
                s.AppendLine(string.Create(Inv, $"<text x=\"{x0 + w + 4:F1}\" y=\"{y + barHeight - 4}\" font-size=\"11\">{v:F0} (×{v / reference:F2})</text>"));
            }
        }
    }

    static string Escape(string text) => WebUtility.HtmlEncode(text);
}
