using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

// The ES256 keys in memory: the newest signs, every key whose tokens may still be alive verifies.
public sealed class SigningKeyRing(ISigningKeyStore store, TimeProvider time, IOptions<TokenOptions> options)
{
    sealed record KeySet(SigningCredentials Signing, IReadOnlyDictionary<string, ECDsaSecurityKey> Verifying);

    readonly SemaphoreSlim _reload = new(1, 1);
    KeySet? _keys;

    KeySet Keys => _keys ?? throw new InvalidOperationException("The signing keys have not been loaded.");

    public SigningCredentials SigningCredentials => Keys.Signing;

    public IReadOnlyCollection<ECDsaSecurityKey> PublishedKeys => (IReadOnlyCollection<ECDsaSecurityKey>)Keys.Verifying.Values;

    public IEnumerable<SecurityKey> Resolve(string? kid) =>
        kid is not null && Keys.Verifying.TryGetValue(kid, out var key) ? [key] : [];

    // Creates the first key on first start and forgets keys whose last token has expired.
    public async Task LoadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            var records = new List<SigningKeyRecord>();
            foreach (var record in await store.ListAsync(ct))
            {
                if (record.RetiredAt + options.Value.LongestTokenLifetime < now)
                    await store.DeleteAsync(record.Id, ct);
                else
                    records.Add(record);
            }

            if (!records.Any(r => r.RetiredAt is null))
            {
                var created = NewKey(now);
                await store.AddAsync(created, ct);
                records.Add(created);
            }

            _keys = Build(records);
        }
        finally { _reload.Release(); }
    }

    // A new key signs from now on; the old ones keep verifying until their tokens have expired.
    public async Task<string> RotateAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var record in await store.ListAsync(ct))
        {
            if (record.RetiredAt is not null) continue;
            record.RetiredAt = now;
            await store.UpdateAsync(record, ct);
        }
        var created = NewKey(now);
        await store.AddAsync(created, ct);
        await LoadAsync(ct);
        return created.Id;
    }

    static SigningKeyRecord NewKey(DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new SigningKeyRecord
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            PrivateKey = ecdsa.ExportPkcs8PrivateKey(),
            CreatedAt = now,
        };
    }

    static KeySet Build(IEnumerable<SigningKeyRecord> records)
    {
        var verifying = new Dictionary<string, ECDsaSecurityKey>(StringComparer.Ordinal);
        SigningKeyRecord? newest = null;
        foreach (var record in records.OrderBy(r => r.CreatedAt))
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(record.PrivateKey, out _);
            verifying[record.Id] = new ECDsaSecurityKey(ecdsa) { KeyId = record.Id };
            if (record.RetiredAt is null) newest = record;
        }
        var signing = new SigningCredentials(verifying[newest!.Id], SecurityAlgorithms.EcdsaSha256);
        return new KeySet(signing, verifying);
    }
}

// Loads the keys before the server takes its first request.
public sealed class SigningKeyLoader(SigningKeyRing keys) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => keys.LoadAsync(cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
