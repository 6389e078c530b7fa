using System.Security.Cryptography;
using Isopoh.Cryptography.Argon2;

namespace MiniAuth.Auth.Passwords;

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
