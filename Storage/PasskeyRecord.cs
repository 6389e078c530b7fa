namespace MiniAuth.Storage;

// A registered passkey. The public key is no secret; which user a credential id belongs to is,
// so records are only ever listed for their own user.
public sealed class PasskeyRecord
{
    // MiniAuth's own id, the one the API names the passkey by (never the credential id).
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    // The authenticator's credential id, base64url: unique over all users.
    public string CredentialId { get; set; } = "";
    // The COSE public key as the authenticator gave it at registration.
    public byte[] PublicKey { get; set; } = [];
    // The authenticator's signature counter as last seen; 0 for authenticators that keep none.
    public long SignCount { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
}
