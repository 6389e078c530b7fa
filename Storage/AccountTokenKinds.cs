namespace MiniAuth.Storage;

// What a one-time account token is for, as stored. A token works only for its own kind.
public static class AccountTokenKinds
{
    public const string PasswordReset = "password_reset";
    public const string EmailVerification = "email_verification";
    public const string EmailChange = "email_change";
    // A signup invite: UserId is the admin who made it ("" from the command line), Data its terms.
    public const string Invite = "invite";
    // The second step of a login (POST /auth/mfa): Data holds the login's terms and wrong attempts.
    public const string MfaLogin = "mfa_login";
    // A WebAuthn challenge, by the SHA-256 of the challenge: Data is the options it was sent in,
    // UserId the user it was made for ("" for a sign-in, which names nobody yet).
    public const string PasskeyRegistration = "passkey_registration";
    public const string PasskeyLogin = "passkey_login";
}
