namespace MiniAuth.Storage;

// What a one-time account token is for, as stored. A token works only for its own kind.
public static class AccountTokenKinds
{
    public const string PasswordReset = "password_reset";
    public const string EmailVerification = "email_verification";
    public const string EmailChange = "email_change";
}
