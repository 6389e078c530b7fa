using Microsoft.AspNetCore.Authorization;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Bearer;

// The session store's checkpoint for a request with a bearer token (ISessionStore.CheckpointAsync),
// asked for as the request arrives and awaited before the rest of the pipeline runs. On Redis it
// is one fence read shared by the requests of the moment (RedisSessionFence); waiting for it here,
// not deep inside JwtBearer, lets the pipeline then run through without waiting again (1.17x the
// authenticated GETs a second, bench/README.md). A failed read (Redis away) is answered by the
// access check, which meets it again, as every store outage is answered.
public static class SessionCheckpoints
{
    sealed class Feature(Task<SessionCheckpoint> checkpoint)
    {
        public Task<SessionCheckpoint> Checkpoint { get; } = checkpoint;
    }

    public static IApplicationBuilder UseSessionCheckpoint(this IApplicationBuilder app) =>
        app.Use(static async (context, next) =>
        {
            // Only routes that take an access token (a restore's bearer is a refresh token); routing
            // has matched the endpoint by now.
            string? header = context.Request.Headers.Authorization;
            if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                && context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is not null)
            {
                var checkpoint = context.RequestServices.GetRequiredService<ISessionStore>().CheckpointAsync();
                // A store only this process writes answers at once, and any later checkpoint is as
                // good. The wait ends with the read (the Redis client's timeout bounds it).
                if (!checkpoint.IsCompleted)
                {
                    context.Features.Set(new Feature(checkpoint));
                    await ((Task)checkpoint).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
            await next(context);
        });

    // The request's checkpoint, or one asked for now (still after the request arrived).
    public static Task<SessionCheckpoint> Of(HttpContext http) =>
        http.Features.Get<Feature>()?.Checkpoint ?? http.RequestServices.GetRequiredService<ISessionStore>().CheckpointAsync();
}
