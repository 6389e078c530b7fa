using System.Security.Cryptography;
using System.Text;
using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Mfa;

// Encrypts the TOTP secrets in the store with the key that encrypts the signing keys
// (MiniAuth:SigningKeys:EncryptionKey or EncryptionKeyFile), as SigningKeyProtector does: AES-256-GCM,
// a fresh nonce per record, the user id as associated data so a secret moved to another account
// does not decrypt. Without that key they are stored plain, as the signing keys are (a copy of the
// store then holds them; docs/mfa.md says so). Stored: "MAT1" | nonce | tag | ciphertext when
// encrypted, "MAP1" | secret when plain, so each is told apart and a key configured later
// encrypts the secrets enrolled from then on.
public sealed class TotpSecretProtector
{
    static ReadOnlySpan<byte> Encrypted => "MAT1"u8;
    static ReadOnlySpan<byte> Plain => "MAP1"u8;
    const int NonceSize = 12, TagSize = 16;

    readonly byte[]? _key;

    public TotpSecretProtector(IOptions<SigningKeyOptions> options) => _key = options.Value.ReadEncryptionKey();

    public byte[] Protect(string userId, byte[] secret)
    {
        if (_key is null) return [.. Plain, .. secret];
        var stored = new byte[Encrypted.Length + NonceSize + TagSize + secret.Length];
        Encrypted.CopyTo(stored);
        var nonce = stored.AsSpan(Encrypted.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, secret, stored.AsSpan(Encrypted.Length + NonceSize + TagSize),
            stored.AsSpan(Encrypted.Length + NonceSize, TagSize), AssociatedData(userId));
        return stored;
    }

    // The secret, or null when it cannot be read here (no key, another key, an altered record):
    // that user's TOTP then fails like a wrong code, and nothing else of the service stops.
    public byte[]? Unprotect(string userId, byte[] stored)
    {
        if (stored.AsSpan().StartsWith(Plain)) return stored[Plain.Length..];
        if (_key is null || !stored.AsSpan().StartsWith(Encrypted) || stored.Length < Encrypted.Length + NonceSize + TagSize) return null;
        var body = stored.AsSpan(Encrypted.Length);
        var secret = new byte[body.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(body[..NonceSize], body[(NonceSize + TagSize)..], body.Slice(NonceSize, TagSize), secret, AssociatedData(userId));
            return secret;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    public static bool IsEncrypted(byte[] stored) => stored.AsSpan().StartsWith(Encrypted);

    static byte[] AssociatedData(string userId) => Encoding.UTF8.GetBytes("miniauth totp secret " + userId);
}
