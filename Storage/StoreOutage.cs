using MiniAuth.Storage.LiteDb;
using Npgsql;
using StackExchange.Redis;

namespace MiniAuth.Storage;

// Which failures mean "a store does not answer" (the service's trouble, not a bug, and worth a
// retry), as opposed to a store's answer to a query.
public static class StoreOutage
{
    public const string ServerDetail = "A store server does not answer; try again shortly.";

    // Connection-level failures only: a PostgresException is the server's answer to a query.
    public static bool IsOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        PostgresException => false,
        NpgsqlException or StorageUnavailableException or StoreFileUnavailableException => true,
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };

    // What the client is told: the LiteDB file's own reason (a full disk), else the servers' one.
    public static string Detail(Exception exception) => exception switch
    {
        StoreFileUnavailableException file => file.Message,
        { InnerException: { } inner } => Detail(inner),
        _ => ServerDetail,
    };
}
