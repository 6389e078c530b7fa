using System.ComponentModel.DataAnnotations;

namespace MiniAuth.AspNetCore;

// What a resource service says about the MiniAuth it trusts. Bind it from configuration
// (AddOptions<MiniAuthBearerOptions>(scheme).BindConfiguration(...)) or set it in AddMiniAuthBearer.
public sealed class MiniAuthBearerOptions
{
    // MiniAuth's base address (its PublicUrl): discovery is {Authority}/.well-known/openid-configuration.
    [Required(ErrorMessage = "MiniAuthBearerOptions.Authority must name MiniAuth's base address, such as https://auth.example.com.")]
    public string Authority { get; set; } = "";

    // MiniAuth's MiniAuth:Audience. Refresh tokens carry another audience, so they never pass.
    [Required(ErrorMessage = "MiniAuthBearerOptions.Audience must not be empty.")]
    public string Audience { get; set; } = "miniauth";

    // MiniAuth's MiniAuth:Issuer; when unset, the issuer its discovery document names.
    public string? Issuer { get; set; }

    // Plain http only for a MiniAuth on a loopback address unless set; keys must come over TLS.
    public bool? RequireHttpsMetadata { get; set; }

    // Refuse the access tokens of sessions that ended before their exp, from the revokedSessions feed.
    public bool CheckRevocation { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "MiniAuthBearerOptions.PollInterval must be between {1} and {2}.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    // Null (the default): fail open, an unreachable feed leaves the last list in force and the
    // health check Degraded. Set: fail closed, every token is refused once the list is older than
    // this (and before the first poll has answered).
    public TimeSpan? FailClosedAfter { get; set; }

    // How often discovery and the JWKS are read again without a reason (at least 5 minutes, the
    // floor of Microsoft.IdentityModel); a token naming an unknown kid reads them at once.
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
}
