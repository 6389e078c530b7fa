using System.Security.Cryptography;
using System.Text;

namespace MiniAuth.Auth.Mfa;

// Ten single-use codes, shown once: 10 characters of 31 without look-alikes (no i, l, o, 0, 1;
// about 49 random bits), written xxxxx-xxxxx. Stored as SHA-256 of the user id and the code: random
// codes need no slow hash, and one user's code never matches another's.
public static class RecoveryCodes
{
    public const int Count = 10;
    const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    const int Length = 10;

    public static IReadOnlyList<string> Generate() =>
        Enumerable.Range(0, Count).Select(_ =>
        {
            var code = RandomNumberGenerator.GetString(Alphabet, Length);
            return $"{code[..5]}-{code[5..]}";
        }).ToList();

    // What the user typed: case, spaces and dashes do not matter.
    public static string? Normalize(string? typed)
    {
        if (typed is null) return null;
        var code = new string(typed.Where(c => c is not (' ' or '-')).Select(char.ToLowerInvariant).ToArray());
        return code.Length == Length && code.All(Alphabet.Contains) ? code : null;
    }

    public static string HashOf(string userId, string normalizedCode) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"miniauth recovery code\n{userId}\n{normalizedCode}")));
}
