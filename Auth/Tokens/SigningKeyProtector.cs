using System.Security.Cryptography;
using System.Text;

namespace MiniAuth.Auth.Tokens;

// Encrypts the private signing keys in the store with a key kept outside it (SigningKeyOptions),
// so a copy of the store (a backup, a dump, a stolen disk) cannot sign tokens. AES-256-GCM, a
// fresh nonce per record, the kid as associated data so a record moved to another kid does not
// decrypt. Stored: Magic | nonce | tag | ciphertext. PKCS#8 DER starts with 0x30, Magic does not:
// plain records (stored before encryption was set up) are told apart and encrypted on load.
public sealed class SigningKeyProtector
{
    static ReadOnlySpan<byte> Magic => "MAK1"u8;
    const int NonceSize = 12, TagSize = 16;

    readonly byte[]? _key;
    readonly string? _setting;

    public SigningKeyProtector(IOptions<SigningKeyOptions> options)
    {
        _key = options.Value.ReadEncryptionKey();
        _setting = options.Value.EncryptionKeySetting;
    }

    public bool Encrypts => _key is not null;

    public static bool IsEncrypted(byte[] stored) => stored.AsSpan().StartsWith(Magic);

    // What to store: encrypted when a key is configured, the PKCS#8 itself otherwise.
    public byte[] Protect(string kid, byte[] pkcs8)
    {
        if (_key is null) return pkcs8;
        var stored = new byte[Magic.Length + NonceSize + TagSize + pkcs8.Length];
        Magic.CopyTo(stored);
        var nonce = stored.AsSpan(Magic.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, pkcs8, stored.AsSpan(Magic.Length + NonceSize + TagSize), stored.AsSpan(Magic.Length + NonceSize, TagSize),
            AssociatedData(kid));
        return stored;
    }

    // The PKCS#8 of a stored record. Throws with a message naming the setting when the record is
    // encrypted and no key, or another key, is configured: the service cannot sign without it.
    public byte[] Unprotect(string kid, byte[] stored)
    {
        if (!IsEncrypted(stored)) return stored;
        if (_key is null)
            throw Refused($"The signing key {kid} in the store is encrypted, and neither {SigningKeyOptions.Section}:EncryptionKeyFile " +
                $"nor {SigningKeyOptions.Section}:EncryptionKey is set: configure the key it was encrypted with.");
        var body = stored.AsSpan(Magic.Length);
        if (body.Length < NonceSize + TagSize) throw Refused($"The signing key {kid} in the store is damaged.");
        var pkcs8 = new byte[body.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(body[..NonceSize], body[(NonceSize + TagSize)..], body.Slice(NonceSize, TagSize), pkcs8, AssociatedData(kid));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Refused($"The signing key {kid} in the store does not decrypt with {_setting}: it is not the key the store " +
                "was encrypted with (or the record was altered).");
        }
        return pkcs8;
    }

    static byte[] AssociatedData(string kid) => Encoding.UTF8.GetBytes("miniauth signing key " + kid);

    // A setting that does not fit the store: reported as options are, so the start (or an admin
    // command) stops with the message.
    static OptionsValidationException Refused(string message) =>
        new(SigningKeyOptions.Section, typeof(SigningKeyOptions), [message]);
}
