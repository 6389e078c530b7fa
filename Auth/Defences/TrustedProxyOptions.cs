using System.ComponentModel.DataAnnotations;
using System.Net;

namespace MiniAuth.Auth.Defences;

// Forwarded headers are believed only from these addresses; with none configured they are ignored.
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string Section = "MiniAuth:ForwardedHeaders";

    public List<string> KnownProxies { get; set; } = [];

    // CIDR ranges, e.g. 10.0.0.0/8.
    public List<string> KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
            yield return new ValidationResult($"MiniAuth:ForwardedHeaders:KnownProxies holds '{proxy}', which is not an IP address.", [nameof(KnownProxies)]);
        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
            yield return new ValidationResult($"MiniAuth:ForwardedHeaders:KnownNetworks holds '{network}', which is not a CIDR range such as 10.0.0.0/8.", [nameof(KnownNetworks)]);
    }
}
