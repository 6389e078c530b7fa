namespace MiniAuth.Auth.Passwords;

// Length in code points, no control characters, not one of the most common passwords.
public sealed class PasswordPolicy(IOptions<PasswordPolicyOptions> options, CommonPasswords common)
{
    readonly PasswordPolicyOptions _options = options.Value;

    public void Check(string? password, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(password))
        {
            errors[field] = ["A password is required."];
            return;
        }
        // Counted in Unicode code points, as a person counts characters.
        var length = password.EnumerateRunes().Count();
        if (length < _options.MinLength || length > _options.MaxLength)
            errors[field] = [$"A password has {_options.MinLength} to {_options.MaxLength} characters."];
        else if (password.Any(char.IsControl))
            errors[field] = ["A password may not hold control characters."];
        else if (common.IsCommon(password))
            errors[field] = ["This password is one of the most commonly used; choose another."];
    }
}
