namespace MiniAuth.Auth.Tokens;

// What a rotation added: the key is published (and verifies) at once, and signs from SignsFrom on.
public sealed record RotatedSigningKey(string KeyId, DateTimeOffset SignsFrom);
