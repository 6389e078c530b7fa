using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Tokens;

public sealed class SigningKeyOptions : IValidatableObject
{
    public const string Section = "MiniAuth:SigningKeys";
    public const int EncryptionKeyBytes = 32;

    // How long an instance may go without re-reading the keys from the store: the bound within
    // which a key created or retired on another instance is published and verifies here; and so
    // how long a new key waits after its creation before it signs.
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00",
        ErrorMessage = "MiniAuth:SigningKeys:ReloadInterval must be between {1} and {2}.")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);

    // The AES-256 key that encrypts the private signing keys in the store, kept outside it: a
    // file holding it in base64, or the value itself (typically MiniAuth__SigningKeys__EncryptionKey).
    public string? EncryptionKeyFile { get; set; }
    public string? EncryptionKey { get; set; }

    // The setting that holds the key, for messages; null when the keys are stored plain.
    public string? EncryptionKeySetting =>
        !string.IsNullOrEmpty(EncryptionKeyFile) ? $"{Section}:EncryptionKeyFile"
        : !string.IsNullOrEmpty(EncryptionKey) ? $"{Section}:EncryptionKey"
        : null;

    // Throws with a message naming the setting when it cannot be read or is not 32 bytes.
    public byte[]? ReadEncryptionKey()
    {
        if (EncryptionKeySetting is not { } setting) return null;
        string text;
        try { text = string.IsNullOrEmpty(EncryptionKeyFile) ? EncryptionKey! : File.ReadAllText(EncryptionKeyFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"{setting}: the file {EncryptionKeyFile} cannot be read ({e.Message}).", e);
        }
        byte[] key;
        try { key = Convert.FromBase64String(text.Trim()); }
        catch (FormatException e)
        {
            throw new FormatException($"{setting} is not base64; make one with `head -c 32 /dev/urandom | base64`.", e);
        }
        return key.Length == EncryptionKeyBytes ? key
            : throw new FormatException($"{setting} must hold exactly {EncryptionKeyBytes} bytes (base64), not {key.Length}; " +
                "make one with `head -c 32 /dev/urandom | base64`.");
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(EncryptionKeyFile) && !string.IsNullOrEmpty(EncryptionKey))
        {
            yield return new ValidationResult($"Set {Section}:EncryptionKeyFile or {Section}:EncryptionKey, not both.",
                [nameof(EncryptionKey)]);
            yield break;
        }
        string? error = null;
        try { ReadEncryptionKey(); }
        catch (FormatException e) { error = e.Message; }
        if (error is not null) yield return new ValidationResult(error, [nameof(EncryptionKey)]);
    }
}
