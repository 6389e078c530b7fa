using System.Globalization;
using System.Text;

namespace MiniAuth.Auth.Accounts;

// Field checks shared by the endpoints; each adds "field -> messages" to a validation problem.
public static partial class InputRules
{
    const int MaxEmailLength = 254;
    const int MaxNameLength = 100;

    // Emails compare trimmed, in Unicode compatibility form (a fullwidth "ａ" is an "a") and
    // case-insensitively: one mailbox, one account.
    // Text that cannot be normalized (CheckEmail refuses it) keeps its trimmed form.
    public static string NormalizeEmail(string email)
    {
        var trimmed = email.Trim();
        return (UnicodeText.TryNormalize(trimmed) ?? trimmed).ToUpperInvariant();
    }

    // Judged in the form it is compared in: compatibility forms may grow (one character can
    // become eighteen) or turn into another "@" or "." ("＠", "．").
    public static void CheckEmail(string? email, Dictionary<string, string[]> errors, string field = "email")
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors[field] = ["An email is required."];
            return;
        }
        var normalized = UnicodeText.TryNormalize(trimmed);
        if (normalized is null)
            errors[field] = ["This is not an email address."];
        else if (Encoding.UTF8.GetByteCount(normalized) > MaxEmailLength)
            errors[field] = [$"An email has at most {MaxEmailLength} bytes (UTF-8)."];
        else if (normalized.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || IsInvisible(c)) || !LooksLikeEmail(normalized)
                 || !IsMailbox(trimmed) || !IsMailbox(normalized))
            errors[field] = ["This is not an email address."];
    }

    // No account can hold a longer one (CheckEmail refuses it), and a store index may refuse the key.
    public static bool CouldBeStored(string normalizedEmail) => Encoding.UTF8.GetByteCount(normalizedEmail) <= 2 * MaxEmailLength;

    public static void CheckName(string? name, Dictionary<string, string[]> errors)
    {
        if (name is null) return;
        if (UnicodeText.TryNormalize(name) is null)
            errors["name"] = ["A name must be well-formed text."];
        else if (name.Length > MaxNameLength)
            errors["name"] = [$"A name has at most {MaxNameLength} characters."];
        else if (name.Any(c => char.IsControl(c) || IsInvisible(c)))
            errors["name"] = ["A name may not hold control, invisible or text-direction characters."];
    }

    // Roles are the application's to define: MiniAuth gives meaning only to "admin" and puts the
    // rest in the token's roles claim. Each is lower-case letters, digits and "_", ".", ":", "-",
    // starting with a letter, up to 64 characters; at most 20, without repeats.
    public static void CheckRoles(IReadOnlyList<string?>? roles, Dictionary<string, string[]> errors, string field = "roles")
    {
        if (roles is null) return;
        if (roles.Count > MaxRoles)
            errors[field] = [$"An account has at most {MaxRoles} roles."];
        else if (roles.Any(role => role is null || !RolePattern().IsMatch(role)))
            errors[field] = ["A role is 1 to 64 of a-z, 0-9, '_', '.', ':', '-', starting with a letter."];
        else if (roles.Distinct(StringComparer.Ordinal).Count() != roles.Count)
            errors[field] = ["A role is listed twice."];
    }

    const int MaxRoles = 20;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z][a-z0-9_.:-]{0,63}\z")]
    private static partial System.Text.RegularExpressions.Regex RolePattern();

    public static void CheckPresent(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) errors[field] = [$"The {field} is required."];
    }

    // Format characters (zero-width spaces and joiners, right-to-left overrides and the other bidi
    // controls, soft hyphens): invisible, they make two identities look the same.
    static bool IsInvisible(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.Format;

    // What the mail library reads as exactly this one address, no display name ("a,b@x",
    // "x<y@z>" are not): the account's mails must go to the address it signed up with.
    static bool IsMailbox(string email) =>
        MimeKit.MailboxAddress.TryParse(email, out var mailbox) && string.IsNullOrEmpty(mailbox.Name)
        && string.Equals(mailbox.Address, email, StringComparison.Ordinal);

    static bool LooksLikeEmail(string email)
    {
        var at = email.LastIndexOf('@');
        return at > 0 && at < email.Length - 1 && email.IndexOf('@') == at && !email.EndsWith('.');
    }
}
