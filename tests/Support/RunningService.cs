using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace MiniAuth.Tests;

// The built MiniAuth.dll serving as a process on 127.0.0.1 (a port the kernel picks, read back
// from its log): on a store file of the test's, what `MiniAuth admin …` meets while the service
// runs (StartAsync); or as an operator starts it, in Production in a folder of its own
// (StartAsOperatorAsync).
public sealed partial class RunningService : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    readonly Process _process;
    readonly string? _ownFolder;
    readonly ConcurrentQueue<string> _log = new();
    readonly List<Action<string>> _watchers = [];
    readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    RunningService(Process process, string? ownFolder)
    {
        _process = process;
        _ownFolder = ownFolder;
    }

    public HttpClient Client { get; private set; } = null!;
    public Uri Address => Client.BaseAddress!;
    public string Log => string.Join('\n', _log);

    // settings: --Key=value arguments after the store path and the cheap Argon2 parameters.
    public static Task<RunningService> StartAsync(string databasePath, params string[] settings) =>
        StartAsync(databasePath, [.. ServiceProcess.CheapHashing, .. settings], AppContext.BaseDirectory, ownFolder: null);

    // No test settings at all: the environment's ASPNETCORE_/DOTNET_ENVIRONMENT dropped (so
    // Production), the contract's hashing, a temporary folder as working directory and store.
    public static Task<RunningService> StartAsOperatorAsync(params string[] settings)
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return StartAsync(Path.Combine(folder, "miniauth.db"), settings, folder, ownFolder: folder);
    }

    static async Task<RunningService> StartAsync(string databasePath, string[] settings, string workingDirectory, string? ownFolder)
    {
        var start = new ProcessStartInfo(ServiceProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "MiniAuth.dll"), "--urls=http://127.0.0.1:0",
                     $"--MiniAuth:Storage:Path={databasePath}", .. settings])
            start.ArgumentList.Add(arg);
        if (ownFolder is not null)
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_") || k.StartsWith("DOTNET_ENVIRONMENT")).ToList())
                start.Environment.Remove(name);

        var service = new RunningService(new Process { StartInfo = start, EnableRaisingEvents = true }, ownFolder);
        service._process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        service._process.Exited += (_, _) => service._listening.TrySetException(
            new InvalidOperationException("MiniAuth exited before it listened:\n" + service.Log));
        service._process.Start();
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        try
        {
            var address = await service._listening.Task.WaitAsync(StartTimeout);
            service.Client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
            var health = await service.Client.GetAsync("/health");
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"/health answered {health.StatusCode}:\n{service.Log}");
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    // The first line of its log that contains text, once it has been written.
    public async Task<string> WaitForLineAsync(string text)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(string line) { if (line.Contains(text, StringComparison.Ordinal)) seen.TrySetResult(line); }
        lock (_log)
        {
            _watchers.Add(Check);
            foreach (var line in _log) Check(line);
        }
        try { return await seen.Task.WaitAsync(TimeSpan.FromSeconds(30)); }
        catch (TimeoutException) { throw new TimeoutException($"No line with '{text}' in:\n{Log}"); }
    }

    void OnLine(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            foreach (var watcher in _watchers) watcher(line);
        }
        if (ListeningOn().Match(line) is { Success: true } match) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    // SIGTERM, as systemd stops it: a clean shutdown.
    public async Task<int> StopAsync()
    {
        Assert.Equal(0, Kill(_process.Id, SigTerm));
        using var deadline = new CancellationTokenSource(StartTimeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_ownFolder is not null)
            try { Directory.Delete(_ownFolder, recursive: true); } catch (IOException) { }
    }

    const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
