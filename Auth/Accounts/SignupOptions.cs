namespace MiniAuth.Auth.Accounts;

// Who may have an account and when it may sign in. Every message names the configuration key.
public sealed class SignupOptions
{
    public const string Section = "MiniAuth:Signup";

    // A login of an account whose email is not verified is refused (403 email_not_verified),
    // after its password was checked, so that the answer tells nothing to someone without it.
    public bool RequireVerifiedEmail { get; set; }
}
