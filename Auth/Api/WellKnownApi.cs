using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Api;

// What a resource service needs to verify access tokens on its own: the issuer and the public keys.
public static class WellKnownApi
{
    public static RouteGroupBuilder MapWellKnownApi(this IEndpointRouteBuilder app)
    {
        var wellKnown = app.MapGroup("/.well-known").WithTags("Discovery");
        wellKnown.MapGet("/jwks.json", Jwks).WithName("jwks");
        wellKnown.MapGet("/openid-configuration", Discovery).WithName("discovery");
        return wellKnown;
    }

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
