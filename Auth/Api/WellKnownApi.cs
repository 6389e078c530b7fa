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
