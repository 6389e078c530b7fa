using System.Diagnostics;
using System.Globalization;
using System.Text;
using MiniAuth.Auth.Passwords;

namespace MiniAuth.Bench;

// Times one Argon2id engine in a process of its own, so that the CPU, page faults and resident
// set it reports belong to that engine alone: `threads` threads hash back to back for `seconds`,
// starting at the Unix time `startAtMs` (so that several probe processes run at the same time).
// Prints one line:
//   engine threads hashesPerSecond cpuMsPerHash kernelMsPerHash faultsPerHash peakMiBPerThread managedMiBPerHash startMs endMs
public static class HashProbe
{
    public sealed record Result(string Engine, int Threads, int Processes, double HashesPerSecond, double CpuMsPerHash,
        double KernelMsPerHash, double FaultsPerHash, double PeakMiBPerHash, double ManagedMiBPerHash, double StartMs, double EndMs,
        double Overlap = 1)
    {
        // How many cores the hashing kept busy.
        public double BusyCores => HashesPerSecond * CpuMsPerHash / 1000;

        // Probes run at the same time in separate processes, as one result. Overlap: the share of
        // the whole span during which all of them were hashing (1 when they ran exactly together).
        public static Result Together(IReadOnlyList<Result> processes)
        {
            var (start, end) = (processes.Min(r => r.StartMs), processes.Max(r => r.EndMs));
            var together = processes.Min(r => r.EndMs) - processes.Max(r => r.StartMs);
            return new(processes[0].Engine, processes[0].Threads, processes.Count,
                processes.Sum(r => r.HashesPerSecond), processes.Average(r => r.CpuMsPerHash), processes.Average(r => r.KernelMsPerHash),
                processes.Average(r => r.FaultsPerHash), processes.Average(r => r.PeakMiBPerHash), processes.Average(r => r.ManagedMiBPerHash),
                start, end, Math.Max(0, together) / (end - start));
        }
    }

    public static int Run(string[] args)
    {
        var engine = args[0];
        var (m, t, p) = (Int(args[1]), Int(args[2]), Int(args[3]));
        var threads = Int(args[4]);
        var duration = TimeSpan.FromSeconds(double.Parse(args[5], CultureInfo.InvariantCulture));
        var startAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[6], CultureInfo.InvariantCulture));
        var password = Encoding.UTF8.GetBytes("correct horse battery staple");
        Func<string> hash = engine switch
        {
            "libsodium" => () => LibsodiumArgon2.Hash(password, m, t),
            "isopoh" => () => IsopohArgon2.Hash(password, m, t, p),
            _ => throw new ArgumentException("engine is libsodium or isopoh"),
        };

        hash(); // JIT and first-touch costs stay out of the figures.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = StatusKiB("VmRSS:");
        File.WriteAllText("/proc/self/clear_refs", "5");
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        if (startAt > DateTimeOffset.UtcNow) Thread.Sleep(startAt - DateTimeOffset.UtcNow);

        var before = ProcStat.Read(Environment.ProcessId);
        var startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        var counts = new int[threads];
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            while (clock.Elapsed < duration) { hash(); counts[i]++; }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        var wall = clock.Elapsed;
        var used = ProcStat.Read(Environment.ProcessId) - before;

        var hashes = (double)counts.Sum();
        var managed = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / hashes;
        var peakPerThread = (StatusKiB("VmHWM:") - baseline) / 1024.0 / threads;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{engine} {threads} {hashes / wall.TotalSeconds:F3} {used.Cpu.TotalMilliseconds / hashes:F3} {used.Kernel.TotalMilliseconds / hashes:F3} " +
            $"{used.MinorFaults / hashes:F1} {peakPerThread:F2} {managed / 1048576.0:F2} {startMs} {startMs + (long)wall.TotalMilliseconds}"));
        return 0;
    }

    public static Result Parse(string line)
    {
        var f = line.Trim().Split(' ');
        return new Result(f[0], Int(f[1]), 1, Dbl(f[2]), Dbl(f[3]), Dbl(f[4]), Dbl(f[5]), Dbl(f[6]), Dbl(f[7]), Dbl(f[8]), Dbl(f[9]));
    }

    static long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    static double Dbl(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
