namespace MiniAuth.Storage;

public sealed class SigningKeyRecord
{
    // The key id (kid) that tokens name in their header.
    public string Id { get; set; } = "";
    // PKCS#8 DER of the P-256 private key (ES256).
    public byte[] PrivateKey { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    // Set when a newer key took over signing; the key still verifies until its tokens have expired.
    public DateTimeOffset? RetiredAt { get; set; }
}
