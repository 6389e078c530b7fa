namespace MiniAuth.Auth.Accounts;

// An invite as it is handed out: the only moment the code itself exists. Id: a short, harmless
// name for the audit trail (a prefix of the stored hash, never the code).
public sealed record IssuedInvite(string Code, string Id, DateTimeOffset ExpiresAt);
