using Npgsql;
using StackExchange.Redis;

namespace MiniAuth.Storage;

// Which failures mean "a store server does not answer" (the service's trouble, not a bug, and
// worth a retry), as opposed to a store's answer to a query.
public static class StoreOutage
{
    // Connection-level failures only: a PostgresException is the server's answer to a query.
    public static bool IsOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        PostgresException => false,
        NpgsqlException or StorageUnavailableException => true,
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };
}
