using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Recovery;

// Every message names the configuration key, so a bad setting says where to look.
public sealed class EmailVerificationOptions
{
    public const string Section = "MiniAuth:EmailVerification";

    // Verification and email-change tokens alike.
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00",
        ErrorMessage = "MiniAuth:EmailVerification:TokenLifetime must be between {1} and {2}.")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromDays(2);
}
