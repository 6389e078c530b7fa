using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Sessions;

// Either new tokens, or why none were issued: a token that did not verify (Failure only), or a
// session that has ended (Ended too). Both are safe to show the caller.
public sealed record RestoreResult(IssuedTokens? Tokens, string? Failure)
{
    public SessionEnd? Ended { get; init; }
    // For the audit trail: the session a verified but refused token named, and whether it was reuse.
    public ValidatedToken? Presented { get; init; }
    public bool ReuseDetected { get; init; }
}
