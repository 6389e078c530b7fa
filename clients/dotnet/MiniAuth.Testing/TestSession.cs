namespace MiniAuth.Testing;

// A signed-in session: the access token to send as `Authorization: Bearer`, and the refresh token
// that restores (rotates) it. SessionId is the token's `sid`.
public sealed record TestSession(string UserId, string SessionId, string AccessToken, string RefreshToken);
