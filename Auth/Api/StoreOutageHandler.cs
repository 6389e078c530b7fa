using Microsoft.AspNetCore.Diagnostics;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// A store that does not answer (a server, a full disk) is the service's trouble, not a bug: 503 with
// Retry-After, so clients retry later instead of reporting a crash.
public sealed partial class StoreOutageHandler(ILogger<StoreOutageHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!StoreOutage.IsOutage(exception)) return false;
        LogStoreOutage(http.Request.Path, exception);
        await Problems.StoreUnavailable(http, exception).ExecuteAsync(http);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A store did not answer during {Path}")]
    partial void LogStoreOutage(PathString path, Exception exception);
}
