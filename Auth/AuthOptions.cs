using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http;

namespace MiniAuth.Auth;

// Every message names the configuration key, so a bad setting says where to look.

public sealed class TokenOptions
{
    public const string Section = "MiniAuth";

    [Required(ErrorMessage = "MiniAuth:Issuer must not be empty.")]
    public string Issuer { get; set; } = "miniauth";

    [Required(ErrorMessage = "MiniAuth:Audience must not be empty.")]
    public string Audience { get; set; } = "miniauth";

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00",
        ErrorMessage = "MiniAuth:AccessTokenLifetime must be between {1} and {2}.")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:01:00", "366.00:00:00",
        ErrorMessage = "MiniAuth:RefreshTokenLifetime must be between {1} and {2}.")]
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00",
        ErrorMessage = "MiniAuth:RefreshReuseGrace must be between {1} and {2}.")]
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00", "00:05:00",
        ErrorMessage = "MiniAuth:ClockSkew must be between {1} and {2}.")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.Zero;

    // The longest any token lives: how long a retired signing key must keep verifying.
    public TimeSpan LongestTokenLifetime =>
        (AccessTokenLifetime > RefreshTokenLifetime ? AccessTokenLifetime : RefreshTokenLifetime) + ClockSkew;

    // How long an ended (revoked or expired) session is kept: while its access tokens may still
    // be presented, so that their 401 can say why the session ended. Then it is swept (LiteDB)
    // or expires (Redis TTL).
    public TimeSpan EndedSessionKeep => AccessTokenLifetime + ClockSkew;
}

public sealed class RefreshCookieOptions
{
    public const string Section = "MiniAuth:Cookie";

    [Required(ErrorMessage = "MiniAuth:Cookie:Name must not be empty.")]
    [RegularExpression("^[A-Za-z0-9_.-]+$", ErrorMessage = "MiniAuth:Cookie:Name may hold only letters, digits, '_', '.' and '-'.")]
    public string Name { get; set; } = "refresh_token";

    [AllowedValues(SameSiteMode.Strict, SameSiteMode.Lax, SameSiteMode.None,
        ErrorMessage = "MiniAuth:Cookie:SameSite must be Strict, Lax or None.")]
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Strict;

    [Required(ErrorMessage = "MiniAuth:Cookie:Path must not be empty.")]
    [RegularExpression("^/[^;\\s]*$", ErrorMessage = "MiniAuth:Cookie:Path must start with '/' and hold no ';' or space.")]
    public string Path { get; set; } = "/auth";
}

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
