using System.ComponentModel.DataAnnotations;
using System.Net;

namespace MiniAuth.Auth;

// Every message names the configuration key, so a bad setting says where to look.

public sealed class RateLimitingOptions
{
    public const string Section = "MiniAuth:RateLimiting";

    public bool Enabled { get; set; } = true;

    [Range(1, 1000, ErrorMessage = "MiniAuth:RateLimiting:MaxFailedLogins must be between {1} and {2}.")]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00",
        ErrorMessage = "MiniAuth:RateLimiting:Window must be between {1} and {2}.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    [Range(1, 1_000_000, ErrorMessage = "MiniAuth:RateLimiting:PerIpPermitsPerMinute must be between {1} and {2}.")]
    public int PerIpPermitsPerMinute { get; set; } = 60;
}

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

// When both are set, that account exists with role admin after start (see AdminSeeder for the rule).
public sealed class AdminOptions
{
    public const string Section = "MiniAuth:Admin";

    public string? Email { get; set; }
    public string? Password { get; set; }

    public bool IsSet => !string.IsNullOrEmpty(Email) && !string.IsNullOrEmpty(Password);
}

// The admin password must pass the same policy as every other password.
public sealed class AdminOptionsValidator(PasswordPolicy policy) : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        var hasEmail = !string.IsNullOrEmpty(options.Email);
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        if (!hasEmail && !hasPassword) return ValidateOptionsResult.Success;
        if (hasEmail != hasPassword)
            return ValidateOptionsResult.Fail("MiniAuth:Admin:Email and MiniAuth:Admin:Password must be set together.");

        var failures = new List<string>();
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckEmail(options.Email, errors);
        if (errors.Count > 0) failures.Add($"MiniAuth:Admin:Email: {string.Join(" ", errors["email"])}");
        errors.Clear();
        policy.Check(options.Password, "password", errors);
        if (errors.Count > 0) failures.Add($"MiniAuth:Admin:Password: {string.Join(" ", errors["password"])}");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
