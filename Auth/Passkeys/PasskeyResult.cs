using MiniAuth.Storage;

namespace MiniAuth.Auth.Passkeys;

// Passkey: the one registered or used, when Verified. Reason: why not, for the audit trail.
public sealed record PasskeyResult(PasskeyVerdict Verdict, PasskeyRecord? Passkey = null, string? Reason = null);
