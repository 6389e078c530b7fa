using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Storage;

public enum SessionBackend { LiteDb, Redis }

public enum UserBackend { LiteDb, Postgres }

// Which store holds what. With nothing set, everything stays in the embedded LiteDB file.
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "MiniAuth:Storage";

    // A LiteDB file (its folder is created), or ":memory:".
    [Required(ErrorMessage = "MiniAuth:Storage:Path must name a file.")]
    public string Path { get; set; } = "data/miniauth.db";

    // Refresh sessions and failed-login counts: the short-lived, write-heavy state.
    public SessionBackend Sessions { get; set; } = SessionBackend.LiteDb;

    // Users and signing keys: the durable state.
    public UserBackend Users { get; set; } = UserBackend.LiteDb;

    // Every key MiniAuth writes starts with it, so one Redis can serve several deployments.
    [Required(ErrorMessage = "MiniAuth:Storage:RedisKeyPrefix must not be empty.")]
    public string RedisKeyPrefix { get; set; } = "miniauth:";

    // How long GET /profile and a restore may use a user read before (UserCache); the bound on
    // how late they see a change made on another instance when its notice is lost. 0: off.
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00",
        ErrorMessage = "MiniAuth:Storage:UserCacheLifetime must be between {1} and {2} (00:00:00 turns the cache off).")]
    public TimeSpan UserCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    // From ConnectionStrings:Redis and ConnectionStrings:Postgres, not from this section.
    public string? RedisConnection { get; set; }
    public string? PostgresConnection { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Sessions == SessionBackend.Redis && string.IsNullOrWhiteSpace(RedisConnection))
            yield return new ValidationResult("MiniAuth:Storage:Sessions is Redis: set ConnectionStrings:Redis (e.g. \"127.0.0.1:6379\").", [nameof(RedisConnection)]);
        if (Users == UserBackend.Postgres && string.IsNullOrWhiteSpace(PostgresConnection))
            yield return new ValidationResult("MiniAuth:Storage:Users is Postgres: set ConnectionStrings:Postgres (e.g. \"Host=127.0.0.1;Username=miniauth;Database=miniauth\").", [nameof(PostgresConnection)]);
    }

    public bool UsesLiteDb => Sessions == SessionBackend.LiteDb || Users == UserBackend.LiteDb;

    // Where each store is, for the start banner: servers by host only (connection strings hold passwords).
    public string Describe()
    {
        var file = Path == ":memory:" ? "LiteDB in memory (lost at exit)" : $"LiteDB file {System.IO.Path.GetFullPath(Path)}";
        var users = Users == UserBackend.Postgres ? $"PostgreSQL at {PostgresHost()}" : file;
        var sessions = Sessions == SessionBackend.Redis ? $"Redis at {RedisHost()}" : file;
        return users == sessions ? users : $"users and signing keys in {users}; sessions in {sessions}";
    }

    string PostgresHost()
    {
        var where = new Npgsql.NpgsqlConnectionStringBuilder(PostgresConnection);
        return $"{where.Host}:{where.Port} database {where.Database ?? where.Username}";
    }

    string RedisHost() => string.Join(", ", StackExchange.Redis.ConfigurationOptions.Parse(RedisConnection!).EndPoints
        .Select(endpoint => endpoint is System.Net.DnsEndPoint dns ? $"{dns.Host}:{dns.Port}" : endpoint.ToString()));
}
