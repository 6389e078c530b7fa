namespace MiniAuth.Auth.Accounts;

// Field checks shared by the endpoints; each adds "field -> messages" to a validation problem.
public static class InputRules
{
    const int MaxEmailLength = 254;
    const int MaxNameLength = 100;

    // Emails compare trimmed and case-insensitively.
    public static string NormalizeEmail(string email) => email.Trim().ToUpperInvariant();

    public static void CheckEmail(string? email, Dictionary<string, string[]> errors)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            errors["email"] = ["An email is required."];
        else if (trimmed.Length > MaxEmailLength)
            errors["email"] = [$"An email has at most {MaxEmailLength} characters."];
        else if (trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || !LooksLikeEmail(trimmed))
            errors["email"] = ["This is not an email address."];
    }

    public static void CheckName(string? name, Dictionary<string, string[]> errors)
    {
        if (name is null) return;
        if (name.Length > MaxNameLength)
            errors["name"] = [$"A name has at most {MaxNameLength} characters."];
        else if (name.Any(char.IsControl))
            errors["name"] = ["A name may not hold control characters."];
    }

    public static void CheckPresent(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) errors[field] = [$"The {field} is required."];
    }

    static bool LooksLikeEmail(string email)
    {
        var at = email.LastIndexOf('@');
        return at > 0 && at < email.Length - 1 && email.IndexOf('@') == at && !email.EndsWith('.');
    }
}
