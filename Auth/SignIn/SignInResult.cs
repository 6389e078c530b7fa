using MiniAuth.Auth.Sessions;

namespace MiniAuth.Auth.SignIn;

// Unknown email and wrong password are one verdict: nothing downstream can tell them apart.
// ThrottledAccountWide: the account's hourly budget over all clients is spent.
public enum SignInVerdict { Succeeded, WrongCredentials, Throttled, ThrottledAccountWide }

// Tokens only when a session was started; RetryAfter only when throttled.
public sealed record SignInResult(SignInVerdict Verdict, IssuedTokens? Tokens = null, TimeSpan RetryAfter = default);
