using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Accounts;

// Who may have an account and when it may sign in. Every message names the configuration key.
public sealed class SignupOptions : IValidatableObject
{
    public const string Section = "MiniAuth:Signup";

    public SignupMode Mode { get; set; } = SignupMode.Open;

    // Email domains a signup may use; empty: any. Exact domains: "example.com" lets in
    // a@example.com and a@EXAMPLE.COM, not a@mail.example.com (list each subdomain that counts).
    public List<string> AllowedEmailDomains { get; set; } = [];

    [Range(typeof(TimeSpan), "00:01:00", "366.00:00:00",
        ErrorMessage = "MiniAuth:Signup:InviteLifetime must be between {1} and {2}.")]
    public TimeSpan InviteLifetime { get; set; } = TimeSpan.FromDays(7);

    // A login of an account whose email is not verified is refused (403 email_not_verified),
    // after its password was checked, so that the answer tells nothing to someone without it.
    public bool RequireVerifiedEmail { get; set; }

    // normalizedEmail as InputRules.NormalizeEmail makes it; the domains compared in the same form.
    public bool AllowsDomainOf(string normalizedEmail) =>
        AllowedEmailDomains.Count == 0
        || AllowedEmailDomains.Any(domain => NormalizeDomain(domain) == normalizedEmail[(normalizedEmail.LastIndexOf('@') + 1)..]);

    static string NormalizeDomain(string domain) => InputRules.NormalizeEmail(domain);

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (!Enum.IsDefined(Mode))
            yield return new ValidationResult("MiniAuth:Signup:Mode must be Open, InviteOnly or Closed.");
        foreach (var domain in AllowedEmailDomains)
        {
            var errors = new Dictionary<string, string[]>();
            InputRules.CheckEmail("someone@" + domain?.Trim(), errors);
            if (string.IsNullOrWhiteSpace(domain) || domain.Contains('@') || domain.Trim().StartsWith('.') || errors.Count > 0)
                yield return new ValidationResult(
                    $"MiniAuth:Signup:AllowedEmailDomains: '{domain}' is not an email domain (write it as in an address, e.g. example.com).");
        }
    }
}
