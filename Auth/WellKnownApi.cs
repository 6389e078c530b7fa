using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace MiniAuth.Auth;

public sealed record JsonWebKeyResponse(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y);

public sealed record JwksResponse([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKeyResponse> Keys);

// Only what MiniAuth is: an issuer with keys. It issues no ID tokens and has no OAuth token endpoint.
public sealed record DiscoveryResponse(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri);

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

    static Ok<JwksResponse> Jwks(SigningKeyRing keys) =>
        TypedResults.Ok(new JwksResponse(keys.PublishedKeys.Select(PublicJwk).ToList()));

    static Ok<DiscoveryResponse> Discovery(HttpRequest request, IOptions<TokenOptions> options)
    {
        var origin = $"{request.Scheme}://{request.Host}{request.PathBase}";
        return TypedResults.Ok(new DiscoveryResponse(options.Value.Issuer, $"{origin}/.well-known/jwks.json"));
    }

    // Only the public half: x and y, never d.
    static JsonWebKeyResponse PublicJwk(ECDsaSecurityKey key)
    {
        var point = key.ECDsa.ExportParameters(includePrivateParameters: false).Q;
        return new JsonWebKeyResponse("EC", "sig", SecurityAlgorithms.EcdsaSha256, key.KeyId, "P-256",
            Base64UrlEncoder.Encode(point.X), Base64UrlEncoder.Encode(point.Y));
    }
}
