namespace MiniAuth.Auth.Admin;

// When both are set, that account exists with role admin after start (see AdminSeeder for the rule).
public sealed class AdminOptions
{
    public const string Section = "MiniAuth:Admin";

    public string? Email { get; set; }
    public string? Password { get; set; }

    public bool IsSet => !string.IsNullOrEmpty(Email) && !string.IsNullOrEmpty(Password);
}
