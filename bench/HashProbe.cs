using System.Diagnostics;
using System.Globalization;
using System.Text;
using MiniAuth.Auth;

namespace MiniAuth.Bench;

// Times one Argon2id engine and measures its memory, in a process of its own so the resident
// set it reports belongs to that engine alone. Prints one line:
//   engine concurrency wallMsPerRound peakDeltaMiB managedMiBPerHash cpuMsPerHash
// CPU time per hash is the figure that holds on a busy machine; wall time is what a caller waits.
public static class HashProbe
{
    public sealed record Result(string Engine, int Concurrency, double MsPerHash, double PeakDeltaMiB, double ManagedMiBPerHash, double CpuMsPerHash);

    public static int Run(string[] args)
    {
        var engine = args[0];
        var (m, t, p) = (Int(args[1]), Int(args[2]), Int(args[3]));
        var concurrency = Int(args[4]);
        var rounds = Int(args[5]);
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
        var baseline = ServerProcessStatus("VmRSS:");
        File.WriteAllText("/proc/self/clear_refs", "5");
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var times = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, concurrency, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, _ => hash());
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        var cpuPerHash = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / (rounds * concurrency);
        var managed = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)(rounds * concurrency);
        var peakDelta = ServerProcessStatus("VmHWM:") - baseline;
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{engine} {concurrency} {times[times.Count / 2]:F3} {peakDelta / 1024.0:F2} {managed / 1048576.0:F2} {cpuPerHash:F3}"));
        return 0;
    }

    public static Result Parse(string line)
    {
        var f = line.Trim().Split(' ');
        return new Result(f[0], Int(f[1]), Dbl(f[2]), Dbl(f[3]), Dbl(f[4]), Dbl(f[5]));
    }

    static long ServerProcessStatus(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }

    static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    static double Dbl(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
