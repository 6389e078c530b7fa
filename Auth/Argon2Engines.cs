using System.Globalization;
using System.Security.Cryptography;
using Isopoh.Cryptography.Argon2;
using NSec.Cryptography;

namespace MiniAuth.Auth;

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

// libsodium's Argon2id (shipped by NSec): native code, about 4× faster than Isopoh here and
// exactly m KiB of memory per hash (see bench/). It computes one lane (p=1) with 16-byte salts.
public static class LibsodiumArgon2
{
    public const int SaltBytes = 16;
    const int MinHashBytes = 16;

    public static bool CanCompute(Argon2idPhc phc) =>
        phc.Parallelism == 1 && phc.Salt.Length == SaltBytes && phc.Hash.Length >= MinHashBytes
        && phc.MemoryKiB >= 8;

    public static byte[] Compute(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKiB, int iterations, int hashBytes)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = memoryKiB,
            NumberOfPasses = iterations,
        });
        return algorithm.DeriveBytes(password, salt, hashBytes);
    }

    public static string Hash(ReadOnlySpan<byte> password, int memoryKiB, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new Argon2idPhc(memoryKiB, iterations, 1, salt, Compute(password, salt, memoryKiB, iterations, 32)).ToString();
    }

    public static bool Verify(Argon2idPhc phc, ReadOnlySpan<byte> password)
    {
        var computed = Compute(password, phc.Salt, phc.MemoryKiB, phc.Iterations, phc.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(computed, phc.Hash);
    }
}

// Isopoh.Cryptography.Argon2: managed, any parameters (p>1, other salt and hash lengths), so it
// verifies what libsodium cannot, such as imported hashes.
public static class IsopohArgon2
{
    public static string Hash(byte[] password, int memoryKiB, int iterations, int parallelism) => Argon2.Hash(new Argon2Config
    {
        Type = Argon2Type.HybridAddressing,
        Version = Argon2Version.Nineteen,
        MemoryCost = memoryKiB,
        TimeCost = iterations,
        Lanes = parallelism,
        Threads = 1,
        Password = password,
        Salt = RandomNumberGenerator.GetBytes(16),
        HashLength = 32,
    });

    public static bool Verify(string phc, byte[] password)
    {
        try
        {
            return Argon2.Verify(phc, password, threads: 1);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }
}
