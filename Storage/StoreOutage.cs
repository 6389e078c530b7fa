using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using StackExchange.Redis;

namespace MiniAuth.Storage;

// A store server that does not answer is the service's trouble, not a bug: 503 with
// Retry-After, so clients retry later instead of reporting a crash.
internal sealed partial class StoreOutage(IProblemDetailsService problems, ILogger<StoreOutage> logger) : IExceptionHandler
{
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!IsOutage(exception)) return false;
        LogStoreOutage(http.Request.Path, exception);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString();
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Storage unavailable",
                Detail = "A store server does not answer; try again shortly." },
        });
    }

    // Connection-level failures only: a PostgresException is the server's answer to a query.
    static bool IsOutage(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        PostgresException => false,
        NpgsqlException or StorageUnavailableException => true,
        _ => exception.InnerException is { } inner && IsOutage(inner),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "A store server did not answer during {Path}")]
    partial void LogStoreOutage(PathString path, Exception exception);
}
