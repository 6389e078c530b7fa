using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// What a resource service needs to verify access tokens on its own: the issuer and the public keys.
public static class WellKnownApi
{
    public static RouteGroupBuilder MapWellKnownApi(this IEndpointRouteBuilder app)
    {
        var wellKnown = app.MapGroup("/.well-known").WithTags("Discovery");
        wellKnown.MapGet("/jwks.json", Jwks).WithName("jwks");
        wellKnown.MapGet("/openid-configuration", Discovery).WithName("discovery");
        wellKnown.MapGet("/revoked-sessions", RevokedSessions).WithName("revokedSessions");
        return wellKnown;
    }

    // Public like the JWKS: it names only random session ids, already inside the tokens they end.
    // A poll with a cursor reads only what is new (an index seek, nothing when nothing changed).
    static async Task<Results<Ok<RevokedSessionsResponse>, ProblemHttpResult>> RevokedSessions(string? since,
        ISessionStore sessions, IOptions<TokenOptions> options, TimeProvider time, HttpResponse response, CancellationToken ct)
    {
        if (since is { Length: 0 or > 64 }) return Problems.InvalidCursor();
        var keep = options.Value.EndedSessionKeep;
        if (await sessions.ListRevokedAsync(since, time.GetUtcNow() - keep, RevokedSessionsPageSize, ct) is not { } page)
            return Problems.InvalidCursor();
        // A cache on the way would hold back revocations.
        response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new RevokedSessionsResponse(page.SessionIds, page.Cursor, (int)Math.Ceiling(keep.TotalSeconds), page.More));
    }

    const int RevokedSessionsPageSize = 1000;

    // Cached no longer than a key reload: a new key is published two reloads before it signs,
    // so a resource service that honours max-age knows it before its first token arrives.
    static Ok<JwksResponse> Jwks(SigningKeyRing keys, IOptions<SigningKeyOptions> options, HttpResponse response)
    {
        response.Headers.CacheControl = $"public, max-age={(int)options.Value.ReloadInterval.TotalSeconds}";
        return TypedResults.Ok(new JwksResponse(keys.PublishedKeys.Select(PublicJwk).ToList()));
    }

    // From PublicUrl when set; without it, from the request, which only the Host header names
    // (AllowedHosts must then list the service's own names).
    static Ok<DiscoveryResponse> Discovery(HttpRequest request, IOptions<TokenOptions> options)
    {
        var origin = options.Value.PublicBaseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        request.HttpContext.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Ok(new DiscoveryResponse(options.Value.Issuer!, $"{origin}/.well-known/jwks.json"));
    }

    // Only the public half: x and y, never d.
    static JsonWebKeyResponse PublicJwk(ECDsaSecurityKey key)
    {
        var point = key.ECDsa.ExportParameters(includePrivateParameters: false).Q;
        return new JsonWebKeyResponse("EC", "sig", SecurityAlgorithms.EcdsaSha256, key.KeyId, "P-256",
            Base64UrlEncoder.Encode(point.X), Base64UrlEncoder.Encode(point.Y));
    }
}
