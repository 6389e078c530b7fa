using System.Globalization;

namespace MiniAuth.Auth.Passwords;

// An Argon2id hash in the standard PHC string form, $argon2id$v=19$m=…,t=…,p=…$salt$hash, with
// salt and hash in unpadded standard base64: what the reference `argon2` tool and Isopoh write.
public sealed record Argon2idPhc(int MemoryKiB, int Iterations, int Parallelism, byte[] Salt, byte[] Hash)
{
    public static string ParametersPrefix(int memoryKiB, int iterations, int parallelism) =>
        string.Create(CultureInfo.InvariantCulture, $"$argon2id$v=19$m={memoryKiB},t={iterations},p={parallelism}$");

    public override string ToString() =>
        ParametersPrefix(MemoryKiB, Iterations, Parallelism) + Encode(Salt) + "$" + Encode(Hash);

    // Only the plain form parses (no keyid or data fields, version 19); anything else is left to Isopoh.
    public static Argon2idPhc? TryParse(string phc)
    {
        var parts = phc.Split('$');
        if (parts is not ["", "argon2id", "v=19", var parameters, var salt, var hash]) return null;
        var values = parameters.Split(',');
        if (values is not [var m, var t, var p]
            || !TryReadNumber(m, "m=", out var memory) || !TryReadNumber(t, "t=", out var iterations)
            || !TryReadNumber(p, "p=", out var parallelism))
            return null;
        if (Decode(salt) is not { } saltBytes || Decode(hash) is not { } hashBytes) return null;
        return new Argon2idPhc(memory, iterations, parallelism, saltBytes, hashBytes);
    }

    static bool TryReadNumber(string field, string name, out int value)
    {
        value = 0;
        return field.StartsWith(name, StringComparison.Ordinal)
            && int.TryParse(field.AsSpan(name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value > 0;
    }

    static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    static byte[]? Decode(string text)
    {
        if (text.Length == 0 || text.Contains('=')) return null;
        var padded = text + new string('=', (4 - text.Length % 4) % 4);
        var bytes = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64String(padded, bytes, out var written) ? bytes[..written] : null;
    }
}
