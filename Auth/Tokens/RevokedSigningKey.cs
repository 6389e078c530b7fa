namespace MiniAuth.Auth.Tokens;

// What a revocation left: the key that signs now in place of the revoked one.
public sealed record RevokedSigningKey(string KeyId, string SigningKeyId);
