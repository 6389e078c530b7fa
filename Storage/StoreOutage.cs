using Microsoft.AspNetCore.Diagnostics;
using MiniAuth.Auth;
using Npgsql;
using StackExchange.Redis;

namespace MiniAuth.Storage;

// A store server that does not answer is the service's trouble, not a bug: 503 with
// Retry-After, so clients retry later instead of reporting a crash.
public sealed partial class StoreOutage(ILogger<StoreOutage> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!IsOutage(exception)) return false;
        LogStoreOutage(http.Request.Path, exception);
        await Problems.StoreUnavailable(http).ExecuteAsync(http);
        return true;
    }

    // Connection-level failures only: a PostgresException is the server's answer to a query.
    public static bool IsOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        PostgresException => false,
        NpgsqlException or StorageUnavailableException => true,
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "A store server did not answer during {Path}")]
    partial void LogStoreOutage(PathString path, Exception exception);
}
