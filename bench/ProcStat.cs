using System.Globalization;
using System.Runtime.InteropServices;

namespace MiniAuth.Bench;

// What /proc/<pid>/stat says of a process's CPU: user and kernel time of all its threads, and
// the minor page faults it took (a page touched for the first time is one).
public readonly record struct ProcStat(TimeSpan User, TimeSpan Kernel, long MinorFaults)
{
    public TimeSpan Cpu => User + Kernel;

    public static ProcStat Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name may hold spaces; the fields after its closing parenthesis do not.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcStat(Ticks(fields[11]), Ticks(fields[12]), long.Parse(fields[7], CultureInfo.InvariantCulture));
    }

    public static ProcStat operator -(ProcStat after, ProcStat before) =>
        new(after.User - before.User, after.Kernel - before.Kernel, after.MinorFaults - before.MinorFaults);

    static TimeSpan Ticks(string field) =>
        TimeSpan.FromSeconds((double)long.Parse(field, CultureInfo.InvariantCulture) / ClockTicksPerSecond);

    static readonly long ClockTicksPerSecond = SysConf(2 /* _SC_CLK_TCK */) is > 0 and var t ? t : 100;

    [DllImport("libc", EntryPoint = "sysconf")]
    static extern long SysConf(int name);
}
