namespace MiniAuth.Storage.LiteDb;

// How LiteDB keeps one key's failed-login count (Redis keeps a hash, see RedisLoginFailureStore).
public sealed class LoginFailureRecord
{
    public string Id { get; set; } = "";
    public int Count { get; set; }
    public DateTimeOffset WindowEndsAt { get; set; }
}
