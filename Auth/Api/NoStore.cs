namespace MiniAuth.Auth.Api;

// Tokens, profiles and session lists are never kept by a cache on the way (RFC 6749 §5.1).
public static class NoStore
{
    public static RouteGroupBuilder DisallowCaching(this RouteGroupBuilder group) =>
        group.AddEndpointFilter((context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return next(context);
        });
}
