using MiniAuth.Auth.Accounts;

namespace MiniAuth.Auth.Passwords;

// Length in code points, no control characters, not one of the most common passwords: all of it
// on the normalized form the hash is made of.
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
        // Judged as it is hashed (NFKC): "ｐａｓｓｗｏｒｄ１２３" is "password123", and combining accents
        // are no extra characters.
        if (UnicodeText.TryNormalize(password) is not { } normalized)
        {
            errors[field] = ["A password must be well-formed text."];
            return;
        }
        // Counted in Unicode code points, as a person counts characters.
        var length = normalized.EnumerateRunes().Count();
        if (length < _options.MinLength || length > _options.MaxLength)
            errors[field] = [$"A password has {_options.MinLength} to {_options.MaxLength} characters."];
        else if (normalized.Any(char.IsControl))
            errors[field] = ["A password may not hold control characters."];
        else if (common.IsCommon(normalized))
            errors[field] = ["This password is one of the most commonly used; choose another."];
    }
}
