namespace MiniAuth.Auth.Recovery;

// A one-time token as it goes into a mail: the only moment the token itself exists.
public sealed record IssuedAccountToken(string Token, DateTimeOffset ExpiresAt);
