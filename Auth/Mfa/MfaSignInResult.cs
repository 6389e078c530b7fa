using MiniAuth.Auth.Sessions;

namespace MiniAuth.Auth.Mfa;

// InvalidToken: unknown, used, expired, exhausted or foreign MFA token, or the password changed
// since the login. WrongFactor: the code did not match (AttemptsLeft more before the token dies).
public enum MfaSignInVerdict { Succeeded, InvalidToken, WrongFactor, Throttled, ThrottledAccountWide, AccountDisabled }

// Tokens and RefreshInBody (the login's refreshTokenDelivery) when it succeeded.
public sealed record MfaSignInResult(MfaSignInVerdict Verdict, IssuedTokens? Tokens = null, bool RefreshInBody = false,
    TimeSpan RetryAfter = default, int AttemptsLeft = 0);
