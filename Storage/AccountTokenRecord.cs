namespace MiniAuth.Storage;

// A one-time token that was mailed: never the token itself, only its hash.
public sealed class AccountTokenRecord
{
    // The SHA-256 of the token, lower-case hex: what a presented token is looked up by.
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    // One of AccountTokenKinds.
    public string Kind { get; set; } = "";
    // What the token was issued for: the normalized email it was mailed to (reset, verification),
    // or the new address as typed (email change).
    public string? Data { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
