using System.Text.Json.Serialization;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

// The wire shapes of ../shared/CONTRACT.md. Fields are nullable so a missing one reaches
// validation (400 with errors) instead of failing deserialization.

public sealed record SignupRequest(string? Email, string? Password, string? Name);

public enum RefreshTokenDelivery { Cookie, Body }

public sealed record LoginRequest(string? Email, string? Password, RefreshTokenDelivery? RefreshTokenDelivery);

public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken);

public sealed record ProfileResponse(string Id, string Email, string? Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    public static ProfileResponse From(UserRecord user) =>
        new(user.Id, user.Email, user.Name, user.Roles, user.CreatedAt);
}
