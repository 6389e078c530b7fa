using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Sessions;

// Either new tokens, or why none were issued (a detail safe to show the caller).
public sealed record RestoreResult(IssuedTokens? Tokens, string? Failure)
{
    // For the audit trail: the session a verified but refused token named, and whether it was reuse.
    public ValidatedToken? Presented { get; init; }
    public bool ReuseDetected { get; init; }
}
