using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Audit;

public sealed class AuditOptions
{
    public const string Section = "MiniAuth:Audit";

    // How long the store keeps an event before the sweeper deletes it.
    [Range(typeof(TimeSpan), "1.00:00:00", "3660.00:00:00",
        ErrorMessage = "MiniAuth:Audit:Retention must be between {1} and {2}.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}
