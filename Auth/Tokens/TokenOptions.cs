using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Tokens;

// Every message names the configuration key, so a bad setting says where to look.

public sealed class TokenOptions
{
    public const string Section = "MiniAuth";

    [Required(ErrorMessage = "MiniAuth:Issuer must not be empty.")]
    public string Issuer { get; set; } = "miniauth";

    [Required(ErrorMessage = "MiniAuth:Audience must not be empty.")]
    public string Audience { get; set; } = "miniauth";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00",
        ErrorMessage = "MiniAuth:AccessTokenLifetime must be between {1} and {2}.")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:01:00", "366.00:00:00",
        ErrorMessage = "MiniAuth:RefreshTokenLifetime must be between {1} and {2}.")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00",
        ErrorMessage = "MiniAuth:RefreshReuseGrace must be between {1} and {2}.")]
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00",
        ErrorMessage = "MiniAuth:ClockSkew must be between {1} and {2}.")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;

    // The longest any token lives: how long a retired signing key must keep verifying.
    public TimeSpan LongestTokenLifetime =>
        (AccessTokenLifetime > RefreshTokenLifetime ? AccessTokenLifetime : RefreshTokenLifetime) + ClockSkew;

    // How long an ended (revoked or expired) session is kept: while its access tokens may still
    // be presented, so that their 401 can say why the session ended. Then it is swept (LiteDB)
    // or expires (Redis TTL).
    public TimeSpan EndedSessionKeep => AccessTokenLifetime + ClockSkew;
}
