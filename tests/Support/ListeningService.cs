using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MiniAuth.Tests;

// The built MiniAuth.dll serving on Kestrel, on a port the kernel picks (read back from its log),
// in the Production environment an operator gets by default, its store in a folder of its own.
public sealed partial class ListeningService : IAsyncDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _log = new();
    readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    ListeningService(Process process, string folder)
    {
        _process = process;
        Folder = folder;
    }

    public string Folder { get; }
    public Uri Address { get; private set; } = null!;
    public string Log => string.Join('\n', _log);

    public static async Task<ListeningService> StartAsync(params string[] args)
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo(Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MiniAuth.dll"));
        foreach (var arg in new[] { "--urls=http://127.0.0.1:0", $"--MiniAuth:Storage:Path={Path.Combine(folder, "miniauth.db")}" }.Concat(args))
            start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_") || k.StartsWith("DOTNET_ENVIRONMENT")).ToList())
            start.Environment.Remove(name);

        var service = new ListeningService(new Process { StartInfo = start, EnableRaisingEvents = true }, folder);
        service._process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        service._process.Exited += (_, _) => service._listening.TrySetException(new InvalidOperationException("MiniAuth exited:\n" + service.Log));
        service._process.Start();
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        try
        {
            service.Address = await service._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
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

    readonly List<Action<string>> _watchers = [];

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
