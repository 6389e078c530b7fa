using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace MiniAuth.Tests;

// The built MiniAuth.dll serving as a process on 127.0.0.1 (a free port), on a store file of the
// test's: what `MiniAuth admin …` meets on a self-hoster's machine while the service runs.
public sealed partial class RunningService : IAsyncDisposable
{
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    readonly Process _process;
    readonly ConcurrentQueue<string> _log = new();
    readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    RunningService(Process process) => _process = process;

    public HttpClient Client { get; private set; } = null!;
    public string Log => string.Join('\n', _log);

    // settings: --Key=value arguments after the store path and the cheap Argon2 parameters.
    public static async Task<RunningService> StartAsync(string databasePath, params string[] settings)
    {
        var start = new ProcessStartInfo(ServiceProcess.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "MiniAuth.dll"), "--urls=http://127.0.0.1:0",
                     $"--MiniAuth:Storage:Path={databasePath}", .. ServiceProcess.CheapHashing, .. settings])
            start.ArgumentList.Add(arg);

        var service = new RunningService(new Process { StartInfo = start, EnableRaisingEvents = true });
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

    void OnLine(string? line)
    {
        if (line is null) return;
        _log.Enqueue(line);
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
    }

    const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
