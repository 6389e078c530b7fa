namespace MiniAuth.Storage;

// User: the account as the change left it (only when Changed).
public sealed record UserChangeResult(UserChangeOutcome Outcome, UserRecord? User = null);
