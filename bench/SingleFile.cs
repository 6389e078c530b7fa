using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MiniAuth.Bench;

// --scenarios singlefile: the published executable as a self-hoster runs it (README's publish
// command, the file copied alone into an empty folder, no .NET on the PATH it needs): how long
// from exec to the first 200 of /health, the CPU that took, and its resident memory once idle.
public static class SingleFile
{
    const int Starts = 5;
    static readonly TimeSpan IdleAfter = TimeSpan.FromSeconds(5);

    public static async Task<string> RunAsync(string root)
    {
        var work = Directory.CreateTempSubdirectory("miniauth-bench-single-");
        try
        {
            Console.WriteLine("Publishing the single file (dotnet publish -r linux-x64)...");
            var published = Path.Combine(work.FullName, "publish");
            var publish = Process.Start(new ProcessStartInfo("dotnet",
                ["publish", Path.Combine(root, "MiniAuth.csproj"), "-c", "Release", "-r", "linux-x64", "-o", published, "-nologo", "-v", "q"])
            { WorkingDirectory = root })!;
            await publish.WaitForExitAsync();
            var executable = Path.Combine(published, "MiniAuth");
            if (publish.ExitCode != 0 || !File.Exists(executable)) throw new InvalidOperationException("dotnet publish of MiniAuth failed.");
            var size = new FileInfo(executable).Length / 1e6;

            var runs = new List<(double Seconds, double CpuSeconds, double IdleMiB)>();
            for (var i = 0; i < Starts; i++) runs.Add(await StartOnceAsync(executable, Directory.CreateDirectory(Path.Combine(work.FullName, $"run{i}")).FullName));
            var md = new StringBuilder().AppendLine().AppendLine($"### The single file, {Starts} starts on a new store each")
                .AppendLine().AppendLine("| size MB | start to a healthy /health, s (median, min–max) | CPU s to healthy (median) | idle resident MiB (VmRSS) 5 s after, median |")
                .AppendLine("|---:|---:|---:|---:|")
                .AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {size:F0} | {Median(runs.Select(r => r.Seconds)):F2} ({runs.Min(r => r.Seconds):F2}–{runs.Max(r => r.Seconds):F2}) | {Median(runs.Select(r => r.CpuSeconds)):F2} | {Median(runs.Select(r => r.IdleMiB)):F0} |"));
            Console.Write(md);
            return md.ToString();
        }
        finally { work.Delete(recursive: true); }
    }

    // Alone in its folder, as copied to a host: the store is created beside it on this first start.
    static async Task<(double, double, double)> StartOnceAsync(string published, string folder)
    {
        var executable = Path.Combine(folder, "MiniAuth");
        File.Copy(published, executable);
        var port = ServerProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo(executable) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["DOTNET_ROOT"] = "/nonexistent";
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (!await HealthyAsync(probe))
            {
                if (process.HasExited) throw new InvalidOperationException($"The single file exited with {process.ExitCode}.");
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("The single file did not become healthy within 60 s.");
                await Task.Delay(5);
            }
            var took = clock.Elapsed.TotalSeconds;
            var cpu = ProcStat.Read(process.Id).Cpu.TotalSeconds;
            await Task.Delay(IdleAfter);
            var rss = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var idleMiB = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
            return (took, cpu, idleMiB);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    static async Task<bool> HealthyAsync(HttpClient probe)
    {
        try { return (await probe.GetAsync("/health")).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
        catch (TaskCanceledException) { return false; }
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
