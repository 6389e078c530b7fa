namespace MiniAuth.Auth.Mfa;

// A login waiting for its second factor, as its MFA token stands for it. PasswordDigest: SHA-256
// of the password hash the login verified (a changed password ends it); ClientDigest: SHA-256 of
// the client the login came from (the token works from there alone); RefreshInBody: the login's
// refreshTokenDelivery; Attempts: wrong codes so far.
public sealed record MfaChallenge(string TokenHash, string UserId, string PasswordDigest, string ClientDigest,
    bool RefreshInBody, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
