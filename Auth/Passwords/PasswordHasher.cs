using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Metrics;

namespace MiniAuth.Auth.Passwords;

// Argon2id in the standard PHC string form: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
public sealed class PasswordHasher : IDisposable
{
    readonly PasswordHashingOptions _options;
    // Each hash holds MemoryKiB for its whole run: a burst of logins queues here instead of
    // taking memory without bound.
    readonly SemaphoreSlim _gate = new(Environment.ProcessorCount);
    readonly string _currentPrefix;
    readonly Lazy<string> _decoyHash;
    readonly MiniAuthMetrics? _metrics;

    public PasswordHasher(IOptions<PasswordHashingOptions> options, MiniAuthMetrics? metrics = null)
    {
        _options = options.Value;
        _metrics = metrics;
        _currentPrefix = Argon2idPhc.ParametersPrefix(_options.MemoryKiB, _options.Iterations, _options.Parallelism);
        // Verified against when the account does not exist, so an unknown email costs a real hash.
        _decoyHash = new(() => Hash(RandomNumberGenerator.GetHexString(32)));
    }

    // A password is hashed in Unicode compatibility form (NFKC, as NIST SP 800-63B asks), so the
    // same password typed on another keyboard or system (composed é, decomposed e + ´) verifies.
    public async Task<string> HashAsync(string password, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await _gate.WaitAsync(ct);
        try { return Hash(Normalize(password)); }
        finally
        {
            _gate.Release();
            _metrics?.PasswordHashed("hash", Stopwatch.GetElapsedTime(started));
        }
    }

    public async Task<PasswordCheck> VerifyAsync(string? hash, string password, CancellationToken ct)
    {
        var decoy = hash is null;
        hash ??= _decoyHash.Value;
        var normalized = Normalize(password);
        var started = Stopwatch.GetTimestamp();
        await _gate.WaitAsync(ct);
        bool verified, legacy = false;
        try
        {
            verified = Verify(hash, normalized);
            // Hashes made before passwords were normalized hold the password as typed. Tried for
            // unknown emails too (the decoy), so that the time says nothing about the account.
            if (!verified && normalized != password) verified = legacy = Verify(hash, password);
        }
        finally
        {
            _gate.Release();
            _metrics?.PasswordHashed("verify", Stopwatch.GetElapsedTime(started));
        }

        if (!verified || decoy) return PasswordCheck.Failed;
        return hash.StartsWith(_currentPrefix, StringComparison.Ordinal) && !legacy ? PasswordCheck.Succeeded : PasswordCheck.SucceededNeedsRehash;
    }

    // Ill-formed text (the policy refuses it at signup) is hashed as it is.
    internal static string Normalize(string password) => UnicodeText.TryNormalize(password) ?? password;

    // One lane: libsodium, about 4× faster than Isopoh here and exactly m KiB per hash (bench/).
    // More lanes: Isopoh, which libsodium cannot do. The PHC string is the same standard either way.
    string Hash(string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        return _options.Parallelism == 1
            ? LibsodiumArgon2.Hash(bytes, _options.MemoryKiB, _options.Iterations)
            : IsopohArgon2.Hash(bytes, _options.MemoryKiB, _options.Iterations, _options.Parallelism);
    }

    // Whatever wrote the hash (this service, Isopoh, the reference tool, an import), the engine
    // is picked by what the string asks for: libsodium when it can compute it, else Isopoh.
    static bool Verify(string hash, string password)
    {
        var bytes = Encoding.UTF8.GetBytes(password);
        if (Argon2idPhc.TryParse(hash) is { } phc && LibsodiumArgon2.CanCompute(phc))
        {
            try { return LibsodiumArgon2.Verify(phc, bytes); }
            catch (ArgumentException) { } // parameters outside libsodium's range
        }
        return IsopohArgon2.Verify(hash, bytes);
    }

    public void Dispose() => _gate.Dispose();
}
