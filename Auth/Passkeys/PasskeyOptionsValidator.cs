namespace MiniAuth.Auth.Passkeys;

// WebAuthn's rule: every origin's host is the RP id or one of its subdomains, else no browser
// runs the ceremony. Checked at start, so a typo is a one-line message instead of failing sign-ins.
// PublicUrl is read raw: a bad one is TokenOptions' to report, alone (one line, not two).
public sealed class PasskeyOptionsValidator(IConfiguration configuration) : IValidateOptions<PasskeyOptions>
{
    public ValidateOptionsResult Validate(string? name, PasskeyOptions options)
    {
        var rpId = options.RelyingPartyId;
        if (rpId is not null && (Uri.CheckHostName(rpId) is not UriHostNameType.Dns || rpId != rpId.Trim().ToLowerInvariant()))
            return ValidateOptionsResult.Fail(
                $"MiniAuth:Passkeys:RelyingPartyId is '{rpId}': it must be a lower-case domain such as auth.example.com, without scheme or port.");
        foreach (var origin in options.Origins)
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")
                || url.PathAndQuery != "/" || url.UserInfo.Length > 0 || origin.EndsWith('/'))
                return ValidateOptionsResult.Fail(
                    $"MiniAuth:Passkeys:Origins has '{origin}': each must be an exact origin such as https://auth.example.com, without path.");

        var configured = configuration["MiniAuth:PublicUrl"];
        var publicUrl = Uri.TryCreate(configured, UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http" ? parsed : null;
        if (publicUrl is null && !string.IsNullOrEmpty(configured)) return ValidateOptionsResult.Success;
        rpId ??= publicUrl is { HostNameType: UriHostNameType.Dns } ? publicUrl.IdnHost : null;
        if (rpId is null && options.Origins.Count > 0)
            return ValidateOptionsResult.Fail("MiniAuth:Passkeys:Origins is set, so set MiniAuth:Passkeys:RelyingPartyId (or MiniAuth:PublicUrl) too.");
        if (rpId is null) return ValidateOptionsResult.Success;
        if (options.Origins.Count == 0 && publicUrl is null)
            return ValidateOptionsResult.Fail("MiniAuth:Passkeys:RelyingPartyId is set, so set MiniAuth:Passkeys:Origins (or MiniAuth:PublicUrl) too.");
        var origins = options.Origins.Count > 0 ? options.Origins : [publicUrl!.ToString()];
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
