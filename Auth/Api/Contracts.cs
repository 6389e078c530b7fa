using System.Text.Json;
using System.Text.Json.Serialization;
using MiniAuth.Auth.Sessions;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// The wire shapes of the HTTP API (docs/http-api.md), every route group's in one place. Request
// fields are nullable so a missing one reaches validation (400 with errors) instead of failing
// deserialization. Stored records never leave the API: they are mapped here.

// /auth
public sealed record SignupRequest(string? Email, string? Password, string? Name, string? Invite);

public enum RefreshTokenDelivery { Cookie, Body }

public sealed record LoginRequest(string? Email, string? Password, RefreshTokenDelivery? RefreshTokenDelivery);

// /auth/password and /auth/email
public sealed record RequestPasswordResetRequest(string? Email);

public sealed record ResetPasswordRequest(string? Token, string? NewPassword);

public sealed record VerifyEmailRequest(string? Token);

public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken);

// /profile
public sealed record ProfileResponse(
    string Id, string Email, bool EmailVerified, string? Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    public static ProfileResponse From(UserRecord user) =>
        new(user.Id, user.Email, user.EmailVerified, user.Name, user.Roles, user.CreatedAt);
}

public sealed record UpdateProfileRequest(string? Name);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record ChangeEmailRequest(string? NewEmail, string? CurrentPassword);

public sealed record DeleteAccountRequest(string? CurrentPassword);

// /sessions and /admin/users/{userId}/sessions
// amr: how the session was signed in to (RFC 8176), as in its access tokens.
public sealed record SessionResponse(
    string Id, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, DateTimeOffset ExpiresAt,
    string? IpAddress, string? UserAgent, bool Current, IReadOnlyList<string> Amr)
{
    public static SessionResponse From(SessionRecord session, string? currentSessionId) => new(
        session.Id, session.CreatedAt, session.LastUsedAt, session.ExpiresAt,
        session.IpAddress, session.UserAgent, session.Id == currentSessionId, AuthenticationMethods.Of(session));
}

// /admin/users and /admin/invites
public sealed record AdminUserResponse(
    string Id, string Email, bool EmailVerified, string? Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt,
    bool Disabled, DateTimeOffset? LastLoginAt, IReadOnlyList<string> Mfa)
{
    // mfa: the account's second factors (MfaMethods), e.g. ["totp"].
    public static AdminUserResponse From(UserRecord user, IReadOnlyList<string> mfa) => new(user.Id, user.Email, user.EmailVerified,
        user.Name, user.Roles, user.CreatedAt, user.Disabled, user.LastLoginAt, mfa);
}

public sealed record UserListResponse(IReadOnlyList<AdminUserResponse> Items, string? Next);

public sealed record UpdateUserRequest(bool? Disabled, List<string?>? Roles, string? Name);

public sealed record PasswordResetLinkResponse(string Link, DateTimeOffset ExpiresAt);

public sealed record CreateInviteRequest(string? Email, List<string?>? Roles);

public sealed record InviteResponse(string Code, string Link, DateTimeOffset ExpiresAt);

// /admin/audit and /profile/activity: detail is the event's other fields as a JSON object, or null.
public sealed record AuditEventResponse(
    string Id, DateTimeOffset At, string Type, string? UserId, string? SessionId, string? IpAddress, JsonElement? Detail)
{
    public static AuditEventResponse From(AuditEventRecord record) => new(
        record.Id, record.At, record.Type, record.UserId, record.SessionId, record.IpAddress,
        record.Detail is null ? null : JsonDocument.Parse(record.Detail).RootElement.Clone());
}

// next: the cursor of the following page (its `before`), null on the last page.
public sealed record AuditPageResponse(IReadOnlyList<AuditEventResponse> Items, string? Next);

// /.well-known
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

// /health
public sealed record HealthResponse(string Status, IReadOnlyDictionary<string, string> Checks);

// /profile/mfa and /auth/mfa (multi-factor sign-in): qrCodeSvg is otpauthUri as an SVG QR code.
public sealed record StartTotpRequest(string? CurrentPassword);

public sealed record StartTotpResponse(string Secret, string OtpauthUri, string QrCodeSvg);

public sealed record ConfirmTotpRequest(string? Code);

public sealed record ConfirmTotpResponse(IReadOnlyList<string> RecoveryCodes);

public sealed record RemoveTotpRequest(string? CurrentPassword);

public sealed record CompleteMfaRequest(string? MfaToken, string? Code, string? RecoveryCode, JsonElement? Credential);

// /.well-known/revoked-sessions: sids to refuse for keepSeconds; more = poll again at once.
public sealed record RevokedSessionsResponse(IReadOnlyList<string> Sids, string Cursor, int KeepSeconds, bool More);

// /profile/passkeys and /auth/passkey: credential is the browser's PublicKeyCredential.toJSON(),
// checked by Fido2NetLib; the options answers are WebAuthn's own JSON.
public sealed record AddPasskeyRequest(JsonElement? Credential, string? Name);

public sealed record PasskeyLoginRequest(JsonElement? Credential, RefreshTokenDelivery? RefreshTokenDelivery);

public sealed record PasskeyResponse(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt)
{
    public static PasskeyResponse From(PasskeyRecord passkey) => new(passkey.Id, passkey.Name, passkey.CreatedAt, passkey.LastUsedAt);
}
