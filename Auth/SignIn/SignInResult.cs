using MiniAuth.Auth.Sessions;

namespace MiniAuth.Auth.SignIn;

// Unknown email and wrong password are one verdict: nothing downstream can tell them apart.
// ThrottledAccountWide: the account's hourly budget over all clients is spent. EmailNotVerified:
// the password was right, but MiniAuth:Signup:RequireVerifiedEmail holds the account back.
// AccountDisabled: the password was right, but an admin disabled the account. MfaRequired: the
// password was right, and the account has a second factor to prove first (PendingMfa).
public enum SignInVerdict { Succeeded, WrongCredentials, Throttled, ThrottledAccountWide, EmailNotVerified, AccountDisabled, MfaRequired }

// Tokens only when a session was started; RetryAfter only when throttled.
public sealed record SignInResult(SignInVerdict Verdict, IssuedTokens? Tokens = null, TimeSpan RetryAfter = default)
{
    public PendingSecondFactor? PendingMfa { get; init; }
}
