using System.Text;

namespace MiniAuth.Auth.Accounts;

// Unicode compatibility form (NFKC), the one form identities and passwords are compared in.
public static class UnicodeText
{
    // Null for text that is not well-formed UTF-16 (a lone surrogate from a JSON escape), which
    // no normalization accepts.
    public static string? TryNormalize(string text)
    {
        try { return text.Normalize(NormalizationForm.FormKC); }
        catch (ArgumentException) { return null; }
    }
}
