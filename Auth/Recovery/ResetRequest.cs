namespace MiniAuth.Auth.Recovery;

// A requestPasswordReset as the background worker gets it: what the answer did not wait for.
public sealed record ResetRequest(string NormalizedEmail, string Origin, string? ClientIp, DateTimeOffset RequestedAt);
