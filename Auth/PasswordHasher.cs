using System.Security.Cryptography;
using System.Text;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;

namespace MiniAuth.Auth;

public enum PasswordCheck { Failed, Succeeded, SucceededNeedsRehash }

// Argon2id in the standard PHC string form: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
public sealed class PasswordHasher : IDisposable
{
    readonly PasswordHashingOptions _options;
    // Each hash holds MemoryKiB for its whole run: a burst of logins queues here instead of
    // taking memory without bound.
    readonly SemaphoreSlim _gate = new(Environment.ProcessorCount);
    readonly string _currentPrefix;
    readonly Lazy<string> _decoyHash;

    public PasswordHasher(IOptions<PasswordHashingOptions> options)
    {
        _options = options.Value;
        _currentPrefix = $"$argon2id$v=19$m={_options.MemoryKiB},t={_options.Iterations},p={_options.Parallelism}$";
        // Verified against when the account does not exist, so an unknown email costs a real hash.
        _decoyHash = new(() => Hash(RandomNumberGenerator.GetHexString(32)));
    }

    public async Task<string> HashAsync(string password, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try { return Hash(password); }
        finally { _gate.Release(); }
    }

    public async Task<PasswordCheck> VerifyAsync(string? hash, string password, CancellationToken ct)
    {
        var decoy = hash is null;
        hash ??= _decoyHash.Value;
        await _gate.WaitAsync(ct);
        bool verified;
        try { verified = Verify(hash, password); }
        finally { _gate.Release(); }

        if (!verified || decoy) return PasswordCheck.Failed;
        return hash.StartsWith(_currentPrefix, StringComparison.Ordinal) ? PasswordCheck.Succeeded : PasswordCheck.SucceededNeedsRehash;
    }

    string Hash(string password) => Argon2.Hash(new Argon2Config
    {
        Type = Argon2Type.HybridAddressing,
        Version = Argon2Version.Nineteen,
        MemoryCost = _options.MemoryKiB,
        TimeCost = _options.Iterations,
        Lanes = _options.Parallelism,
        Threads = 1,
        Password = Encoding.UTF8.GetBytes(password),
        Salt = RandomNumberGenerator.GetBytes(16),
        HashLength = 32,
    });

    static bool Verify(string hash, string password)
    {
        try
        {
            return Argon2.Verify(hash, Encoding.UTF8.GetBytes(password), threads: 1);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return false;
        }
    }

    public void Dispose() => _gate.Dispose();
}
