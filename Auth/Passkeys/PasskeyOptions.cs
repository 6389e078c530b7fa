using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Passkeys;

// MiniAuth:Passkeys. Unset, the relying party is MiniAuth:PublicUrl: its host is the RP id and its
// origin the one origin accepted (see PasskeyRelyingParty). Without either, passkeys are off.
public sealed class PasskeyOptions
{
    public const string Section = "MiniAuth:Passkeys";

    // A domain, no scheme or port (auth.example.com, or example.com to share passkeys with its
    // subdomains); every origin must be on it.
    public string? RelyingPartyId { get; set; }

    // The exact origins (scheme, host, port) the browser ceremonies may run on.
    public List<string> Origins { get; set; } = [];

    [Required(ErrorMessage = "MiniAuth:Passkeys:RelyingPartyName must not be empty.")]
    public string RelyingPartyName { get; set; } = "MiniAuth";

    // How long the options of one ceremony can be answered; each challenge is single use.
    [Range(typeof(TimeSpan), "00:00:30", "00:30:00",
        ErrorMessage = "MiniAuth:Passkeys:ChallengeLifetime must be between {1} and {2}.")]
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    [Range(1, 100, ErrorMessage = "MiniAuth:Passkeys:MaxPerUser must be between {1} and {2}.")]
    public int MaxPerUser { get; set; } = 20;
}
