using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Mail;

// Mails that really leave carry links; without PublicUrl a link would take its host from the
// request, and a forged Host header would send a victim's reset token to another site.
public sealed class MailLinkOriginValidator(IOptions<TokenOptions> tokens) : IValidateOptions<MailOptions>
{
    public ValidateOptionsResult Validate(string? name, MailOptions options) =>
        options.UsesSmtp && string.IsNullOrWhiteSpace(tokens.Value.PublicUrl)
            ? ValidateOptionsResult.Fail(
                "MiniAuth:Mail:Smtp:Host is set, so set MiniAuth:PublicUrl too (e.g. https://auth.example.com): the links in mails are built from it.")
            : ValidateOptionsResult.Success;
}
