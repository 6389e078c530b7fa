using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Passwords;

// Every message names the configuration key, so a bad setting says where to look.
public sealed class PasswordPolicyOptions : IValidatableObject
{
    public const string Section = "MiniAuth:Password";

    [Range(1, 1024, ErrorMessage = "MiniAuth:Password:MinLength must be between {1} and {2}.")]
    public int MinLength { get; set; } = 8;

    [Range(1, 4096, ErrorMessage = "MiniAuth:Password:MaxLength must be between {1} and {2}.")]
    public int MaxLength { get; set; } = 256;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinLength > MaxLength)
            yield return new ValidationResult("MiniAuth:Password:MinLength must not exceed MiniAuth:Password:MaxLength.", [nameof(MinLength)]);
    }
}
