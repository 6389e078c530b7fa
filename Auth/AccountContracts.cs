using MiniAuth.Storage;

namespace MiniAuth.Auth;

// The wire shapes of the session, profile and admin routes of ../shared/CONTRACT.md.

public sealed record SessionResponse(
    string Id, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, DateTimeOffset ExpiresAt,
    string? IpAddress, string? UserAgent, bool Current)
{
    public static SessionResponse From(SessionRecord session, string? currentSessionId) => new(
        session.Id, session.CreatedAt, session.LastUsedAt, session.ExpiresAt,
        session.IpAddress, session.UserAgent, session.Id == currentSessionId);
}

public sealed record UpdateProfileRequest(string? Name);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
