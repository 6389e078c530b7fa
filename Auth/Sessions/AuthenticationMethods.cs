namespace MiniAuth.Auth.Sessions;

// The amr values (RFC 8176 §2) a session carries, by how it was started. A recovery code is a
// one-time password too, so it reads as TOTP does; the audit trail tells them apart.
public static class AuthenticationMethods
{
    public static readonly IReadOnlyList<string> Password = ["pwd"];
    public static readonly IReadOnlyList<string> PasswordAndTotp = ["pwd", "otp", "mfa"];
    public static readonly IReadOnlyList<string> PasswordAndRecoveryCode = ["pwd", "otp", "mfa"];
    // A passkey: a hardware-bound key (hwk) unlocked by the user's verification (user: biometric or PIN).
    public static readonly IReadOnlyList<string> Passkey = ["hwk", "user"];
    public static readonly IReadOnlyList<string> PasswordAndPasskey = ["pwd", "hwk", "user", "mfa"];

    // A session stored before amr was kept was a password login.
    public static IReadOnlyList<string> Of(Storage.SessionRecord session) => session.Amr ?? Password;
}
