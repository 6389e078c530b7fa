using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Passwords;

// Every message names the configuration key, so a bad setting says where to look.
public sealed class PasswordHashingOptions : IValidatableObject
{
    public const string Section = "MiniAuth:PasswordHashing";

    [Range(8, 4 * 1024 * 1024, ErrorMessage = "MiniAuth:PasswordHashing:MemoryKiB must be between {1} and {2}.")]
    public int MemoryKiB { get; set; } = 19456;

    [Range(1, 100, ErrorMessage = "MiniAuth:PasswordHashing:Iterations must be between {1} and {2}.")]
    public int Iterations { get; set; } = 2;

    [Range(1, 64, ErrorMessage = "MiniAuth:PasswordHashing:Parallelism must be between {1} and {2}.")]
    public int Parallelism { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Argon2 needs at least 8 KiB for each lane.
        if (MemoryKiB < 8 * Parallelism)
            yield return new ValidationResult("MiniAuth:PasswordHashing:MemoryKiB must be at least 8 × Parallelism.", [nameof(MemoryKiB)]);
    }
}
