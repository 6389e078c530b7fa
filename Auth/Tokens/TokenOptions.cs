using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Tokens;

// Every message names the configuration key, so a bad setting says where to look.

public sealed class TokenOptions : IValidatableObject
{
    public const string Section = "MiniAuth";

    // The service's public base URL (https://auth.example.com): every link MiniAuth makes (the
    // JWKS address in discovery, mail links) derives from it, never from a request's Host header.
    public string? PublicUrl { get; set; }

    // Unset: PublicUrl when that is set, else "miniauth" (see TokenServices).
    [Required(ErrorMessage = "MiniAuth:Issuer must not be empty.")]
    public string? Issuer { get; set; }

    [Required(ErrorMessage = "MiniAuth:Audience must not be empty.")]
    public string Audience { get; set; } = "miniauth";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00",
        ErrorMessage = "MiniAuth:AccessTokenLifetime must be between {1} and {2}.")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:01:00", "366.00:00:00",
        ErrorMessage = "MiniAuth:RefreshTokenLifetime must be between {1} and {2}.")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    // A session's absolute lifetime: restores slide its expiry, never past CreatedAt + this.
    [Range(typeof(TimeSpan), "00:01:00", "3660.00:00:00",
        ErrorMessage = "MiniAuth:MaxSessionLifetime must be between {1} and {2}.")]
    public TimeSpan MaxSessionLifetime { get; set; } = TimeSpan.FromDays(90);

    // Live sessions one user may hold; a login beyond it ends the oldest.
    [Range(1, 10_000, ErrorMessage = "MiniAuth:MaxSessionsPerUser must be between {1} and {2}.")]
    public int MaxSessionsPerUser { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00",
        ErrorMessage = "MiniAuth:RefreshReuseGrace must be between {1} and {2}.")]
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00",
        ErrorMessage = "MiniAuth:ClockSkew must be between {1} and {2}.")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;

    // Refresh tokens name their own audience, so that no resource service set up for access
    // tokens (Audience) accepts one, whether or not it checks typ (RFC 8725 §3.12).
    public string RefreshAudience => Audience + ":refresh";

    // The PublicUrl without a trailing slash, or null.
    public string? PublicBaseUrl => PublicUrl?.TrimEnd('/');

    // The longest any token lives: how long a retired signing key must keep verifying.
    public TimeSpan LongestTokenLifetime =>
        (AccessTokenLifetime > RefreshTokenLifetime ? AccessTokenLifetime : RefreshTokenLifetime) + ClockSkew;

    // How long an ended (revoked or expired) session is kept: while its access tokens may still
    // be presented, so that their 401 can say why the session ended. Then it is swept (LiteDB)
    // or expires (Redis TTL).
    public TimeSpan EndedSessionKeep => AccessTokenLifetime + ClockSkew;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicUrl is not null && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url)
            || url.Scheme is not ("https" or "http") || url.Query.Length > 0 || url.Fragment.Length > 0 || url.UserInfo.Length > 0))
            yield return new ValidationResult(
                $"MiniAuth:PublicUrl is '{PublicUrl}': it must be the service's absolute http(s) base URL, such as https://auth.example.com, with no query.",
                [nameof(PublicUrl)]);
    }
}
