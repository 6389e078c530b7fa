using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Defences;

// Every message names the configuration key, so a bad setting says where to look.
public sealed class RateLimitingOptions
{
    public const string Section = "MiniAuth:RateLimiting";

    public bool Enabled { get; set; } = true;

    [Range(1, 1000, ErrorMessage = "MiniAuth:RateLimiting:MaxFailedLogins must be between {1} and {2}.")]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00",
        ErrorMessage = "MiniAuth:RateLimiting:Window must be between {1} and {2}.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    [Range(1, 1_000_000, ErrorMessage = "MiniAuth:RateLimiting:PerIpPermitsPerMinute must be between {1} and {2}.")]
    public int PerIpPermitsPerMinute { get; set; } = 60;

    // Attempts for one account from all clients together, in a one-hour window.
    [Range(1, 1_000_000, ErrorMessage = "MiniAuth:RateLimiting:AccountFailuresPerHour must be between {1} and {2}.")]
    public int AccountFailuresPerHour { get; set; } = 100;
}
