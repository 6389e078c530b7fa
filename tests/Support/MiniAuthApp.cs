using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MiniAuth.Auth.Mail;
using MiniAuth.Auth.Tokens;
using MiniAuth.Auth;

namespace MiniAuth.Tests;

// One app per test: its own host, its own LiteDB file, its own fake clock started far from
// today so that a stray wall-clock read fails loudly.
internal sealed class MiniAuthApp : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Epoch = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);

    readonly Dictionary<string, string?> _settings;
    readonly bool _ownsDirectory;
    readonly bool _captureMail;
    readonly string _environment;

    // databasePath: reuse a file across apps (a restart); settings: MiniAuth:… overrides;
    // captureMail: mails go to Mail instead of the product's mail queue.
    public MiniAuthApp(string? databasePath = null, IDictionary<string, string?>? settings = null, FakeTimeProvider? time = null,
        bool captureMail = true, string environment = "Testing")
    {
        _captureMail = captureMail;
        _environment = environment;
        _ownsDirectory = databasePath is null;
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"), "miniauth.db");
        Time = time ?? new FakeTimeProvider(Epoch);
        _settings = new Dictionary<string, string?>
        {
            ["MiniAuth:Storage:Path"] = DatabasePath,
            // Cheap hashes keep the suite fast; the parameters are still real Argon2id.
            ["MiniAuth:PasswordHashing:MemoryKiB"] = "64",
            ["MiniAuth:PasswordHashing:Iterations"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) _settings[key] = value;
    }

    public FakeTimeProvider Time { get; }
    public CapturedLogs Logs { get; } = new();
    public CapturedMail Mail { get; } = new();
    public string DatabasePath { get; }

    public TokenOptions TokenOptions => Services.GetRequiredService<IOptions<TokenOptions>>().Value;
    public TimeSpan AccessTokenLifetime => TokenOptions.AccessTokenLifetime;
    public TimeSpan RefreshTokenLifetime => TokenOptions.RefreshTokenLifetime;
    public TimeSpan RefreshReuseGrace => TokenOptions.RefreshReuseGrace;

    // Cookies are sent by hand: the tests check exactly what travels.
    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions
    {
        HandleCookies = false,
        AllowAutoRedirect = false,
        BaseAddress = new Uri("https://localhost"),
    });

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Time));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, TestClientAddress>());
        // After the app's own registrations, so it replaces whatever mail queue the app has.
        if (_captureMail) builder.ConfigureTestServices(services => services.AddSingleton<IMailQueue>(Mail));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await StoreRelease.WaitAsync(DatabasePath);
        if (_ownsDirectory)
        {
            try { Directory.Delete(Path.GetDirectoryName(DatabasePath)!, recursive: true); }
            catch (IOException) { }
        }
    }
}
