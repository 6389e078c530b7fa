using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Browser;

// Every message names the configuration key, so a bad setting says where to look.
public sealed class RefreshCookieOptions : IValidatableObject
{
    public const string Section = "MiniAuth:Cookie";

    [Required(ErrorMessage = "MiniAuth:Cookie:Name must not be empty.")]
    [RegularExpression("^[A-Za-z0-9_.-]+$", ErrorMessage = "MiniAuth:Cookie:Name may hold only letters, digits, '_', '.' and '-'.")]
    public string Name { get; set; } = "__Host-refresh_token";

    [AllowedValues(SameSiteMode.Strict, SameSiteMode.Lax, SameSiteMode.None,
        ErrorMessage = "MiniAuth:Cookie:SameSite must be Strict, Lax or None.")]
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Strict;

    [Required(ErrorMessage = "MiniAuth:Cookie:Path must not be empty.")]
    [RegularExpression("^/[^;\\s]*$", ErrorMessage = "MiniAuth:Cookie:Path must start with '/' and hold no ';' or space.")]
    public string Path { get; set; } = "/";

    // Browsers drop a __Host- cookie whose Path is not "/": the service would never see it again.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Name.StartsWith("__Host-", StringComparison.Ordinal) && Path != "/")
            yield return new ValidationResult(
                $"MiniAuth:Cookie:Path is '{Path}', but a cookie named {Name} (the __Host- prefix) must have Path \"/\": set the Path to / or choose a name without the prefix.",
                [nameof(Path)]);
    }
}
