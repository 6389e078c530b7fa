using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Passkeys;

// WebAuthn's rule: every origin's host is the RP id or one of its subdomains, else no browser
// runs the ceremony. Checked at start, so a typo is a one-line message instead of failing sign-ins.
public sealed class PasskeyOptionsValidator(IOptions<TokenOptions> tokens) : IValidateOptions<PasskeyOptions>
{
    public ValidateOptionsResult Validate(string? name, PasskeyOptions options)
    {
        var rpId = options.RelyingPartyId;
        if (rpId is not null && (Uri.CheckHostName(rpId) is not (UriHostNameType.Dns) || rpId != rpId.Trim().ToLowerInvariant()))
            return ValidateOptionsResult.Fail(
                $"MiniAuth:Passkeys:RelyingPartyId is '{rpId}': it must be a lower-case domain such as auth.example.com, without scheme or port.");
        foreach (var origin in options.Origins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")
                || url.PathAndQuery != "/" || url.UserInfo.Length > 0 || origin.EndsWith('/'))
                return ValidateOptionsResult.Fail(
                    $"MiniAuth:Passkeys:Origins has '{origin}': each must be an exact origin such as https://auth.example.com, without path.");

        rpId ??= tokens.Value.PublicBaseUrl is { } publicUrl ? new Uri(publicUrl).IdnHost : null;
        if (rpId is null && options.Origins.Count > 0)
            return ValidateOptionsResult.Fail("MiniAuth:Passkeys:Origins is set, so set MiniAuth:Passkeys:RelyingPartyId (or MiniAuth:PublicUrl) too.");
        if (rpId is null) return ValidateOptionsResult.Success;
        var origins = options.Origins.Count > 0 ? options.Origins : [tokens.Value.PublicBaseUrl!];
        foreach (var origin in origins)
        {
            var host = new Uri(origin).IdnHost;
            if (host != rpId && !host.EndsWith("." + rpId, StringComparison.Ordinal))
                return ValidateOptionsResult.Fail(
                    $"MiniAuth:Passkeys: the origin {PasskeyRelyingParty.OriginOf(origin)} is not on the relying party id '{rpId}' " +
                    "(MiniAuth:Passkeys:RelyingPartyId, else the host of MiniAuth:PublicUrl); browsers refuse passkeys there.");
        }
        return ValidateOptionsResult.Success;
    }
}
