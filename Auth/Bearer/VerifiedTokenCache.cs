using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Bearer;

// JwtBearer's token handler with a memory: a client sends the same access token for its whole
// hour, so the signature check and JSON parse of a token already verified are skipped. What can
// change between two calls is still checked on each: here the lifetime (against the service's
// TimeProvider) and that the signing key is still known; then the session (revoked, expired,
// gone) in BearerAuthentication.RequireLiveSessionAsync, which runs on every call, cached or not. Only a
// token that passed every check is remembered, keyed by its SHA-256, and the memory is bounded.
public sealed class VerifiedTokenCache : TokenHandler
{
    public const int Capacity = 2048;

    sealed record Entry(JsonWebToken Token, ClaimsIdentity Identity);

    readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    readonly ConcurrentDictionary<UInt128, Entry> _verified = new();

    public int Count => _verified.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters parameters)
    {
        // Without the service's own lifetime rule and key lookup, a cached answer could not be re-checked.
        if (parameters.LifetimeValidator is not { } isAlive || parameters.IssuerSigningKeyResolver is not { } keys)
            return await _handler.ValidateTokenAsync(token, parameters);

        // Every request with a bearer header passes through here, refresh tokens on their own
        // routes included: one of another typ is refused before its signature is checked.
        if (!HasValidType(token, parameters))
            return new TokenValidationResult { IsValid = false, Exception = new SecurityTokenInvalidTypeException("The token is not an access token.") };

        var key = Digest(token);
        if (_verified.TryGetValue(key, out var entry) && entry.Token.EncodedToken == token)
        {
            // Still alive, and its signing key still known (a key forgotten early takes its tokens with it).
            if (isAlive(NotBefore(entry.Token), entry.Token.ValidTo, entry.Token, parameters)
                && keys(token, entry.Token, entry.Token.Kid, parameters)?.Any() == true)
                return new TokenValidationResult
                {
                    IsValid = true,
                    SecurityToken = entry.Token,
                    // Each request gets its own copy: nobody downstream can change the cached one.
                    ClaimsIdentity = entry.Identity.Clone(),
                    TokenType = entry.Token.Typ,
                    Issuer = entry.Token.Issuer,
                };
            _verified.TryRemove(key, out _);
            return await _handler.ValidateTokenAsync(token, parameters);
        }

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken verified && result.ClaimsIdentity is { } identity)
        {
            // Simple bound: when full, start over; the next call of each client re-verifies once.
            if (_verified.Count >= Capacity) _verified.Clear();
            _verified[key] = new Entry(verified, identity.Clone());
        }
        return result;
    }

    public override SecurityToken ReadToken(string token) => _handler.ReadToken(token);

    // Reads only the JOSE header; a token it cannot read goes on to the full validation, which
    // gives the framework's own error for it.
    static bool HasValidType(string token, TokenValidationParameters parameters)
    {
        if (parameters.ValidTypes is not { } types || !types.Any()) return true;
        return JoseHeader.Read(token, "typ"u8, out var typ) switch
        {
            JoseHeader.Member.Found => types.Contains(typ, StringComparer.Ordinal),
            JoseHeader.Member.NotAString => false,
            _ => true,
        };
    }

    static DateTime? NotBefore(JsonWebToken token) => token.ValidFrom == DateTime.MinValue ? null : token.ValidFrom;

    // A 128-bit prefix of SHA-256: the lookup compares digests, never the token's own characters.
    static UInt128 Digest(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetByteCount(token) <= 4096 ? stackalloc byte[4096] : new byte[Encoding.UTF8.GetByteCount(token)];
        var length = Encoding.UTF8.GetBytes(token, bytes);
        SHA256.HashData(bytes[..length], hash);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}
