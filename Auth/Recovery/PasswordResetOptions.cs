using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Recovery;

// Every message names the configuration key, so a bad setting says where to look.
public sealed class PasswordResetOptions
{
    public const string Section = "MiniAuth:PasswordReset";

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00",
        ErrorMessage = "MiniAuth:PasswordReset:TokenLifetime must be between {1} and {2}.")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    // Reset mails to one address per hour; requests beyond it still get 202, and no mail, so that
    // nobody can flood a mailbox through MiniAuth or learn anything from the answer.
    [Range(1, 1000, ErrorMessage = "MiniAuth:PasswordReset:MailsPerHour must be between {1} and {2}.")]
    public int MailsPerHour { get; set; } = 3;
}
