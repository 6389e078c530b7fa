using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MiniAuth.Tests;

// The published executable as a self-hoster gets it: copied alone into an empty folder and
// started there, it signs up, logs in, restores and serves the demo page with nothing beside it.
public partial class SingleFileTests(SingleFilePublish published, ITestOutputHelper output) : IClassFixture<SingleFilePublish>
{
    [SingleFileFact]
    public void ThePublishFolderHoldsTheExecutableAndNoLibsodiumWebrootPdbOrStaticAssetsManifest()
    {
        output.WriteLine($"dotnet publish took {published.Took.TotalSeconds:F0} s; MiniAuth is {new FileInfo(published.Executable).Length / 1e6:F1} MB");
        var files = Directory.EnumerateFileSystemEntries(published.Folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        // appsettings.json is optional: every setting has its default in code.
        Assert.Equal(["MiniAuth", "appsettings.json"], files);
    }

    [SingleFileFact]
    public async Task TheExecutableCopiedAloneSignsUpLogsInRestoresAndServesTheDemoPage()
    {
        var folder = NewFolder();
        var executable = Path.Combine(folder, "MiniAuth");
        File.Copy(published.Executable, executable);  // with its mode, execute bits included
        try
        {
            await using (var service = await Service.StartAsync(executable, Path.Combine(folder, "miniauth.db"), output))
            {
                var client = service.Client;
                var email = HttpHelpers.NewEmail();
                Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
                var login = await client.LoginAsync(email);
                Assert.NotNull(login.Cookie);
                Assert.True(login.Cookie.Secure);

                // Chromium would keep a Secure cookie for http://127.0.0.1; HttpClient does not: send it by hand.
                var restore = await client.RestoreWithCookieAsync(login.Refresh);
                Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
                Assert.False(string.IsNullOrEmpty((await restore.JsonAsync()).GetProperty("accessToken").GetString()));

                var page = await client.GetAsync("/");
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
                Assert.Contains("default-src 'self'", Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
                Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
                Assert.Equal(WebAsset("index.html"), await page.Content.ReadAsByteArrayAsync());

                var script = await client.GetAsync("/miniauth.js");
                Assert.Equal(HttpStatusCode.OK, script.StatusCode);
                Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
                Assert.Equal(File.ReadAllBytes(Path.Combine(published.RepositoryRoot, "clients", "js", "miniauth.js")), await script.Content.ReadAsByteArrayAsync());

                Assert.Equal(0, await service.StopAsync());
            }

            // The store and what lives beside it by design: its lock, LiteDB's log, the mail outbox (no SMTP host set).
            var left = Directory.EnumerateFileSystemEntries(folder).Select(f => Path.GetFileName(f)).ToArray();
            Assert.Contains("miniauth.db", left);
            Assert.All(left, name => Assert.Matches(@"^(MiniAuth|miniauth\.db|miniauth\.db\.lock|miniauth-log\.db|outbox)$", name));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }

    byte[] WebAsset(string name) => File.ReadAllBytes(Path.Combine(published.RepositoryRoot, "wwwroot", name));

    static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    // One run of the executable, on a port the kernel picks (read back from its log), its
    // working directory the folder it sits in.
    sealed partial class Service : IAsyncDisposable
    {
        static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

        readonly Process _process;
        readonly string _extractionFolder;
        readonly ConcurrentQueue<string> _log = new();
        readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        Service(Process process, string extractionFolder)
        {
            _process = process;
            _extractionFolder = extractionFolder;
        }

        public HttpClient Client { get; private set; } = null!;

        public static async Task<Service> StartAsync(string executable, string databasePath, ITestOutputHelper output)
        {
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetDirectoryName(executable)!,
            };
            start.ArgumentList.Add("--urls=http://127.0.0.1:0");
            start.ArgumentList.Add($"--MiniAuth:Storage:Path={databasePath}");
            // Where the single file unpacks libsodium (by default ~/.net): a folder of this test's own.
            var extraction = NewFolder();
            start.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = extraction;

            var clock = Stopwatch.StartNew();
            var service = new Service(new Process { StartInfo = start }, extraction);
            service._process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
            service._process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
            service._process.Exited += (_, _) => service._listening.TrySetException(
                new InvalidOperationException("MiniAuth exited before it listened:\n" + service.Log));
            service._process.EnableRaisingEvents = true;
            service._process.Start();
            service._process.BeginOutputReadLine();
            service._process.BeginErrorReadLine();
            try
            {
                var address = await service._listening.Task.WaitAsync(StartTimeout);
                service.Client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
                var health = await service.Client.GetAsync("/health");
                Assert.True(health.StatusCode == HttpStatusCode.OK, $"/health answered {health.StatusCode}:\n{service.Log}");
                output.WriteLine($"MiniAuth alone: healthy {clock.ElapsedMilliseconds} ms after start");
                return service;
            }
            catch
            {
                await service.DisposeAsync();
                throw;
            }
        }

        string Log => string.Join('\n', _log);

        void OnLine(string? line)
        {
            if (line is null) return;
            _log.Enqueue(line);
            if (ListeningOn().Match(line) is { Success: true } match) _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }

        // SIGTERM, as systemd or Ctrl+C stops it: a clean shutdown folds the LiteDB log into the file.
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
            try { Directory.Delete(_extractionFolder, recursive: true); }
            catch (IOException) { }
        }

        const int SigTerm = 15;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        static extern int Kill(int pid, int signal);

        [GeneratedRegex(@"Now listening on: (http://\S+)")]
        private static partial Regex ListeningOn();
    }
}

// Runs where the linux-x64 executable can: on linux-x64, and always under CI=true.
public sealed class SingleFileFactAttribute : FactAttribute
{
    public SingleFileFactAttribute()
    {
        if (!SingleFilePublish.Runs)
            Skip = $"Single-file test skipped: it publishes linux-x64 and this is {RuntimeInformation.RuntimeIdentifier}.";
    }
}
