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
}
