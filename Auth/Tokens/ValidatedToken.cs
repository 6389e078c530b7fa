namespace MiniAuth.Auth.Tokens;

// The claims of a refresh or access token that passed every check.
public sealed record ValidatedToken(string UserId, string SessionId, string Jti);
