using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Tokens;

public sealed class SigningKeyOptions
{
    public const string Section = "MiniAuth:SigningKeys";

    // How long an instance may go without re-reading the keys from the store: the bound within
    // which a key created or retired on another instance is published and verifies here; and so
    // how long a new key waits after its creation before it signs.
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00",
        ErrorMessage = "MiniAuth:SigningKeys:ReloadInterval must be between {1} and {2}.")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);
}
