using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Tokens;

public sealed class TokenService
{
    public const string AccessTokenType = "at+jwt";
    public const string RefreshTokenType = "refresh+jwt";
    public const string DeviceTokenType = "device+jwt";

    readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false, MapInboundClaims = false };
    readonly SigningKeyRing _keys;
    readonly TokenOptions _options;

    public TokenService(SigningKeyRing keys, IOptions<TokenOptions> options, TimeProvider time)
    {
        _keys = keys;
        _options = options.Value;
        AccessTokenParameters = Parameters(AccessTokenType, [_options.Audience], time);
        // Refresh tokens made before they had their own audience carry the access audience; typ
        // still keeps them apart here, so they keep working until they expire.
        RefreshTokenParameters = Parameters(RefreshTokenType, [_options.RefreshAudience, _options.Audience], time);
        DeviceTokenParameters = Parameters(DeviceTokenType, [DeviceAudience], time);
    }

    // Its own type and audience: a device proof is never an access or refresh token, nor the reverse.
    string DeviceAudience => _options.Audience + ":device";

    // Also what JwtBearer checks access tokens with, so both paths pin the same rules.
    public TokenValidationParameters AccessTokenParameters { get; }
    TokenValidationParameters RefreshTokenParameters { get; }
    TokenValidationParameters DeviceTokenParameters { get; }

    public string CreateAccessToken(UserRecord user, string sessionId, IReadOnlyList<string> amr, DateTimeOffset now,
        DateTimeOffset expires) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = AccessTokenType,
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _keys.SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = user.Id,
                [JwtRegisteredClaimNames.Sid] = sessionId,
                [JwtRegisteredClaimNames.Jti] = NewId(),
                [JwtRegisteredClaimNames.Email] = user.Email,
                ["email_verified"] = user.EmailVerified,
                ["roles"] = user.Roles.ToArray(),
                ["amr"] = amr.ToArray(),
            },
        });

    // The session's current refresh token. Its claims follow from the session alone, so the
    // grace path can hand a late caller the very token (same jti) that the first caller got.
    public string CreateRefreshToken(SessionRecord session) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = RefreshTokenType,
            Issuer = _options.Issuer,
            Audience = _options.RefreshAudience,
            IssuedAt = session.CurrentIssuedAt.UtcDateTime,
            Expires = session.ExpiresAt.UtcDateTime,
            SigningCredentials = _keys.SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = session.UserId,
                [JwtRegisteredClaimNames.Sid] = session.Id,
                [JwtRegisteredClaimNames.Jti] = session.CurrentJti,
            },
        });

    // "This browser signed in to user X": no session, so it lives no longer than a refresh token,
    // which is as long as the key ring keeps verifying (LongestTokenLifetime).
    public string CreateDeviceToken(string userId, DateTimeOffset now) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = DeviceTokenType,
            Issuer = _options.Issuer,
            Audience = DeviceAudience,
            IssuedAt = now.UtcDateTime,
            Expires = (now + DeviceTokenLifetime).UtcDateTime,
            SigningCredentials = _keys.SigningCredentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId,
                [JwtRegisteredClaimNames.Jti] = NewId(),
            },
        });

    public TimeSpan DeviceTokenLifetime => _options.RefreshTokenLifetime;

    // The user id a valid device token names, else null.
    public async Task<string?> ValidateDeviceTokenAsync(string token) =>
        await VerifyAsync(token, DeviceTokenParameters) is { } jwt && !string.IsNullOrEmpty(jwt.Subject) ? jwt.Subject : null;

    public Task<ValidatedToken?> ValidateRefreshTokenAsync(string token) => ValidateAsync(token, RefreshTokenParameters);

    public Task<ValidatedToken?> ValidateAccessTokenAsync(string token) => ValidateAsync(token, AccessTokenParameters);

    public static string NewId() => Base64UrlEncoder.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    async Task<ValidatedToken?> ValidateAsync(string token, TokenValidationParameters parameters)
    {
        if (await VerifyAsync(token, parameters) is not { } jwt) return null;
        return jwt.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sid, out var sid)
            && !string.IsNullOrEmpty(jwt.Subject) && !string.IsNullOrEmpty(jwt.Id) && !string.IsNullOrEmpty(sid)
            ? new ValidatedToken(jwt.Subject, sid, jwt.Id)
            : null;
    }

    async Task<JsonWebToken?> VerifyAsync(string token, TokenValidationParameters parameters)
    {
        var result = await _handler.ValidateTokenAsync(token, parameters);
        // A key another instance created since this one last read the store.
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException
            && await _keys.LearnAsync(SigningKeyRing.KidOf(token), CancellationToken.None))
            result = await _handler.ValidateTokenAsync(token, parameters);
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    // Alive up to and including the second of exp, dead the second after (plus ClockSkew).
    bool IsAlive(DateTime? notBefore, DateTime? expires, DateTime now) =>
        expires is { } exp && now <= exp + _options.ClockSkew && !(notBefore > now + _options.ClockSkew);

    TokenValidationParameters Parameters(string tokenType, string[] audiences, TimeProvider time) => new()
    {
        ValidIssuer = _options.Issuer,
        ValidAudiences = audiences,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidTypes = [tokenType],
        IssuerSigningKeyResolver = (_, _, kid, _) => _keys.Resolve(kid),
        // An unknown kid fails; it never falls back to trying every key.
        TryAllIssuerSigningKeys = false,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = _options.ClockSkew,
        // IdentityModel reads the wall clock; the lifetime is judged by the service's TimeProvider.
        LifetimeValidator = (notBefore, expires, _, _) => IsAlive(notBefore, expires, time.GetUtcNow().UtcDateTime),
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = "roles",
    };
}
