using System.Net.Sockets;
using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using StackExchange.Redis;
using Xunit.Sdk;

namespace MiniAuth.Tests;

public enum Backend { LiteDb, Servers }

// Where the scale-out tests find Redis and PostgreSQL; .ci/servers.sh starts both and sets them.
public static class TestServers
{
    public static string? Redis => Environment.GetEnvironmentVariable("MINIAUTH_TEST_REDIS");
    public static string? Postgres => Environment.GetEnvironmentVariable("MINIAUTH_TEST_POSTGRES");
    static bool Configured => !string.IsNullOrWhiteSpace(Redis) && !string.IsNullOrWhiteSpace(Postgres);
    static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    // Without the servers these tests are skipped and say why; under CI=true they run, and fail.
    public static string? SkipReason => Configured || InCi
        ? null
        : "Skipped: no Redis/PostgreSQL (set MINIAUTH_TEST_REDIS and MINIAUTH_TEST_POSTGRES, as .ci/servers.sh does).";

    public static void Require()
    {
        if (!Configured)
            throw new InvalidOperationException("CI=true but MINIAUTH_TEST_REDIS / MINIAUTH_TEST_POSTGRES are not set: .ci/run must start the servers (.ci/servers.sh).");
    }

    static readonly Lazy<Task<ConnectionMultiplexer>> RedisAdmin = new(() => ConnectionMultiplexer.ConnectAsync(Redis! + ",allowAdmin=true"));
    static readonly Lazy<NpgsqlDataSource> PostgresAdmin = new(() => NpgsqlDataSource.Create(Postgres!));

    public static Task<ConnectionMultiplexer> RedisAsync() => RedisAdmin.Value;

    public static async Task ExecuteAsync(string sql)
    {
        await using var command = PostgresAdmin.Value.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<object?> ScalarAsync(string sql)
    {
        await using var command = PostgresAdmin.Value.CreateCommand(sql);
        return await command.ExecuteScalarAsync();
    }

    // A port nothing listens on (for "the server does not answer").
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

// The rows of a [Theory] over backends. The LiteDB row always runs; the servers row is skipped,
// with the reason, where no Redis/PostgreSQL were given.
public sealed class OnLiteDbAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[Backend.LiteDb]];
}

public sealed class OnServersAttribute : DataAttribute
{
    public OnServersAttribute() => Skip = TestServers.SkipReason;
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[Backend.Servers]];
}

public sealed class ServersFactAttribute : FactAttribute
{
    public ServersFactAttribute() => Skip = TestServers.SkipReason;
}

// The stores of one test: a LiteDB file, or Redis + PostgreSQL under a key prefix and a schema of
// its own so that tests never see each other's data. Apps made from it share it (instances of
// one deployment, or a restart).
internal sealed class TestBackend : IAsyncDisposable
{
    readonly string? _directory;
    readonly string? _schema;
    readonly string? _prefix;

    TestBackend(Backend backend, string? directory, string? schema, string? prefix, Dictionary<string, string?> settings)
    {
        Kind = backend;
        _directory = directory;
        _schema = schema;
        _prefix = prefix;
        Settings = settings;
    }

    public Backend Kind { get; }
    public IReadOnlyDictionary<string, string?> Settings { get; }
    public string? DatabasePath => _directory is null ? null : Path.Combine(_directory, "miniauth.db");
    public string? Schema => _schema;

    public static async Task<TestBackend> CreateAsync(Backend backend)
    {
        if (backend == Backend.LiteDb)
        {
            var directory = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
            return new TestBackend(backend, directory, null, null, []);
        }

        TestServers.Require();
        var id = Guid.NewGuid().ToString("N");
        var schema = $"test_{id}";
        var prefix = $"test:{id}:";
        await TestServers.ExecuteAsync($"CREATE SCHEMA {schema}");
        return new TestBackend(backend, null, schema, prefix, new Dictionary<string, string?>
        {
            ["MiniAuth:Storage:Sessions"] = "Redis",
            ["MiniAuth:Storage:Users"] = "Postgres",
            ["MiniAuth:Storage:RedisKeyPrefix"] = prefix,
            ["ConnectionStrings:Redis"] = TestServers.Redis,
            ["ConnectionStrings:Postgres"] = $"{TestServers.Postgres};Search Path={schema}",
        });
    }

    // One MiniAuth instance on these stores.
    public MiniAuthApp NewApp(FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        // The servers backend still gets a LiteDB path of its own, which must stay unopened.
        return new MiniAuthApp(DatabasePath, all, time);
    }

    // Two instances on these stores and one clock, as behind a load balancer.
    public (MiniAuthApp A, MiniAuthApp B) TwoInstances()
    {
        var time = new FakeTimeProvider(MiniAuthApp.Epoch);
        return (NewApp(time), NewApp(time));
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is not null)
        {
            try { Directory.Delete(_directory, recursive: true); }
            catch (DirectoryNotFoundException) { }
            catch (IOException) { }
        }
        if (_schema is not null) await TestServers.ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        await DeleteRedisKeysAsync();
    }

    // Every Redis key of this backend, as a Redis restarted without persistence would have none.
    public async Task DeleteRedisKeysAsync()
    {
        if (_prefix is null) return;
        var redis = await TestServers.RedisAsync();
        var server = redis.GetServers()[0];
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*")) keys.Add(key);
        if (keys.Count > 0) await redis.GetDatabase().KeyDeleteAsync(keys.ToArray());
    }
}
