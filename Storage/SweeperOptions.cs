using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Storage;

public sealed class SweeperOptions
{
    public const string Section = "MiniAuth:Sweeper";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00",
        ErrorMessage = "MiniAuth:Sweeper:Interval must be between {1} and {2}.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}
