using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Passwords;

namespace MiniAuth.Auth.Admin;

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
