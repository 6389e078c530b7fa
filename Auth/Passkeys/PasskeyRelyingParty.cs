using Fido2NetLib;
using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Passkeys;

// Who MiniAuth is to authenticators: the RP id and the accepted origins, from MiniAuth:Passkeys or
// else from MiniAuth:PublicUrl, never from a request's Host. Null members: passkeys are off.
public sealed class PasskeyRelyingParty
{
    public PasskeyRelyingParty(IOptions<PasskeyOptions> passkeys, IOptions<TokenOptions> tokens)
    {
        var options = passkeys.Value;
        var publicUrl = tokens.Value.PublicBaseUrl is { } url ? new Uri(url) : null;
        // A PublicUrl on an IP address can be no relying party: passkeys stay off unless configured.
        Id = options.RelyingPartyId ?? (publicUrl?.HostNameType == UriHostNameType.Dns ? publicUrl.IdnHost : null);
        Origins = options.Origins.Count > 0 ? [.. options.Origins.Select(OriginOf)]
            : publicUrl is null ? [] : [OriginOf(publicUrl.ToString())];
        if (Id is null || Origins.Count == 0) return;
        Fido2 = new Fido2(new Fido2Configuration
        {
            RPID = Id,
            RPName = options.RelyingPartyName,
            Origins = Origins.ToHashSet(StringComparer.OrdinalIgnoreCase),
            Timeout = (uint)options.ChallengeLifetime.TotalMilliseconds,
            ChallengeSize = 32,
        });
    }

    public string? Id { get; }
    public IReadOnlyList<string> Origins { get; }
    public IFido2? Fido2 { get; }

    // scheme://host[:port], the form a browser puts in clientDataJSON.
    public static string OriginOf(string url) => new Uri(url).GetLeftPart(UriPartial.Authority);
}
