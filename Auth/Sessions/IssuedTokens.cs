namespace MiniAuth.Auth.Sessions;

// What a new or rotated session hands out.
public sealed record IssuedTokens(string AccessToken, string RefreshToken, DateTimeOffset RefreshExpiresAt, int AccessExpiresIn)
{
    // For the audit trail.
    public string UserId { get; init; } = "";
    public string SessionId { get; init; } = "";
}
