namespace MiniAuth.Storage;

// A user's second factors, one record per user, kept with the users. Secrets are stored as the
// caller protected them (encrypted when MiniAuth:SigningKeys:EncryptionKey(File) is set); the
// recovery codes only as hashes.
public sealed class MfaRecord
{
    // The user's id.
    public string Id { get; set; } = "";
    // An enrolment started and not confirmed yet: replaced by the next start, promoted by a confirm.
    public byte[]? PendingTotpSecret { get; set; }
    public DateTimeOffset? PendingSince { get; set; }
    // Set while TOTP is on.
    public byte[]? TotpSecret { get; set; }
    public DateTimeOffset? TotpEnabledAt { get; set; }
    // The last time step whose code was accepted: no code of it or of an earlier step is taken again.
    public long LastTotpStep { get; set; }
    public List<string> RecoveryCodeHashes { get; set; } = [];

    // A method, not a property: the stores map properties to fields.
    public bool HasTotp() => TotpSecret is not null;
}
