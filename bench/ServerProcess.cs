using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MiniAuth.Bench;

// A server under test, as a child process on 127.0.0.1, with its CPU time and memory read from /proc.
public sealed class ServerProcess : IAsyncDisposable
{
    readonly Process _process;

    ServerProcess(string name, Process process, Uri address)
    {
        Name = name;
        _process = process;
        Address = address;
    }

    System.Text.StringBuilder _output = new();

    // What the server wrote so far (its logs at the level the run set).
    public string Output()
    {
        lock (_output) return _output.ToString();
    }

    public string Name { get; }
    public Uri Address { get; }
    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string name, string fileName, IEnumerable<string> arguments,
        IDictionary<string, string> environment, string workingDirectory)
    {
        var port = FreeLoopbackPort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The same Kestrel and logging settings for every server of the run.
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        Started.Add(process);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(name, process, address) { _output = output };
        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                lock (output) throw new InvalidOperationException($"{name} exited with {process.ExitCode}:\n{output}");
            }
            try
            {
                if ((await probe.GetAsync("/health")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException($"{name} did not answer /health within 90 s.");
    }

    // Every server this run started, so an interrupted run (Ctrl+C) leaves none behind.
    static readonly System.Collections.Concurrent.ConcurrentBag<Process> Started = [];

    static ServerProcess() => Console.CancelKeyPress += (_, _) =>
    {
        foreach (var process in Started)
        {
            try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
        }
    };

    // User plus system CPU time of the whole process, all threads (GC included).
    public TimeSpan CpuTime() => ProcStat.Read(Pid).Cpu;

    public long ResidentBytes() => StatusKiB("VmRSS:") * 1024;

    // The resident pages no other process shares: anonymous memory (heaps, stacks) and the
    // runtime's shared-memory mappings of JIT-compiled code; the rest of VmRSS is mapped files
    // (the .NET shared framework's assemblies and native libraries).
    public long PrivateBytes() => (StatusKiB("RssAnon:") + StatusKiB("RssShmem:")) * 1024;

    // The peak resident set since the last ResetPeak (VmHWM).
    public long PeakResidentBytes() => StatusKiB("VmHWM:") * 1024;

    // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+).
    public bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    long StatusKiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return 0;
    }

    internal static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
