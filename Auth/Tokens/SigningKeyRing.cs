using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Tokens;

// The ES256 keys in memory: every key whose tokens may still be alive verifies and is published
// in the JWKS; one signs. Several instances share one store, so the ring re-reads it every
// ReloadInterval and at once (at most once a second) when a token names a kid it does not know.
//
// Publish before sign: a new key signs only from PublishLead (two ReloadIntervals) after its
// CreatedAt, when every instance has re-read the store and knows it; until then the key before
// it keeps signing. The choice is made at each signing from the clock, so every instance
// switches at the same moment without waiting for a reload, and the old key's retirement is
// that moment, computed alike everywhere. The oldest unretired key signs while no newer one may: the first key of an empty
// store, which signs at once (nobody can have seen an older key).
public sealed class SigningKeyRing(ISigningKeyStore store, TimeProvider time, IOptions<TokenOptions> options,
    IOptions<SigningKeyOptions> keyOptions, SigningKeyProtector protector)
{
    // Garbage kids cost the store at most one read per this interval per instance.
    public static readonly TimeSpan UnknownKidReloadThrottle = TimeSpan.FromSeconds(1);

    // Made once per kid and kept across reloads: IdentityModel caches signature providers per key.
    sealed record LiveKey(ECDsaSecurityKey Key, SigningCredentials Credentials);

    // Signers: the unretired keys, oldest first, each with the moment it starts signing.
    sealed record KeySet(IReadOnlyList<(DateTimeOffset From, SigningCredentials Credentials)> Signers,
        IReadOnlyDictionary<string, LiveKey> Live, IReadOnlyCollection<ECDsaSecurityKey> Published);

    readonly SemaphoreSlim _reload = new(1, 1);
    readonly Lock _learning = new();
    KeySet? _keys;
    DateTimeOffset? _lastUnknownKidReload;
    Task? _unknownKidReload;

    KeySet Keys => _keys ?? throw new InvalidOperationException("The signing keys have not been loaded.");

    // The newest key that may sign now.
    public SigningCredentials SigningCredentials
    {
        get
        {
            var signers = Keys.Signers;
            var now = time.GetUtcNow();
            var i = signers.Count - 1;
            while (i > 0 && signers[i].From > now) i--;
            return signers[i].Credentials;
        }
    }

    public IReadOnlyCollection<ECDsaSecurityKey> PublishedKeys => Keys.Published;

    public IEnumerable<SecurityKey> Resolve(string? kid) =>
        kid is not null && Keys.Live.TryGetValue(kid, out var live) ? [live.Key] : [];

    public bool Knows(string? kid) => kid is not null && _keys?.Live.ContainsKey(kid) == true;

    // Creates the first key on first start, records the retirement of keys a newer one has taken
    // over from, and forgets keys whose last token has expired.
    // Instances starting together on an empty store may each create a first key. Each such key is
    // then simply a rotation: the oldest signs at once, the newest takes over PublishLead after
    // its creation and the others are retired then but still verify; so all instances settle on
    // one signing key, the newest, within PublishLead. (An instance that has not seen the oldest
    // yet signs with its own meanwhile; the others learn that kid by an unknown-kid reload.)
    public async Task LoadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            var records = await ListLiveAsync(now, ct);
            // Every key opens before anything is written: a missing or wrong encryption key stops
            // here, before a new key or a migrated one could be stored under it.
            var opened = OpenAll(records, _keys);
            await EncryptPlainRecordsAsync(records, ct);
            if (!records.Any(r => r.RetiredAt is null))
            {
                await store.AddAsync(NewKey(now), ct);
                records = await ListLiveAsync(now, ct);
            }

            var signers = records.Where(r => r.RetiredAt is null)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
            // A key stops signing the moment the next one starts, whenever an instance notices:
            // recording that moment (not the rotation's, not this reload's) keeps the key verifying
            // until the last token it signed has expired, and every instance writes the same value.
            while (signers.Count > 1 && SignsFrom(signers[1]) <= now)
            {
                signers[0].RetiredAt = SignsFrom(signers[1]);
                await store.UpdateAsync(signers[0], ct);
                signers.RemoveAt(0);
            }

            _keys = Build(records, signers, opened);
        }
        finally { _reload.Release(); }
    }

    // A compromised key: it leaves the store, so this ring drops it at once and other instances
    // at their next reload (an unknown-kid reload cannot bring it back), and every token it
    // signed is refused from then on. When it was the last unretired key, a replacement is
    // stored first and signs at once, so there is always a signer. Null for an unknown kid.
    public async Task<RevokedSigningKey?> RevokeAsync(string kid, CancellationToken ct)
    {
        var records = await store.ListAsync(ct);
        if (records.FirstOrDefault(r => r.Id == kid) is not { } revoked) return null;
        if (revoked.RetiredAt is null && !records.Any(r => r.Id != kid && r.RetiredAt is null))
        {
            var createdAt = time.GetUtcNow();
            foreach (var record in records)
                if (record.CreatedAt >= createdAt) createdAt = record.CreatedAt + TimeSpan.FromMilliseconds(1);
            await store.AddAsync(NewKey(createdAt), ct);
        }
        await store.DeleteAsync(kid, ct);
        await LoadAsync(ct);
        return new RevokedSigningKey(kid, SigningCredentials.Kid);
    }

    // Adds a key that is published at once and signs from PublishLead later on, when every
    // instance has loaded it; the current key signs until then and verifies until its tokens
    // have expired.
    public async Task<RotatedSigningKey> RotateAsync(CancellationToken ct)
    {
        // Strictly newer than every stored key, so that every instance orders it last.
        var createdAt = time.GetUtcNow();
        foreach (var record in await store.ListAsync(ct))
            if (record.CreatedAt >= createdAt) createdAt = record.CreatedAt + TimeSpan.FromMilliseconds(1);
        var created = NewKey(createdAt);
        await store.AddAsync(created, ct);
        await LoadAsync(ct);
        // Into an empty store it is the first key, which signs at once.
        var from = Keys.Signers.First(s => s.Credentials.Kid == created.Id).From;
        return new RotatedSigningKey(created.Id, from == DateTimeOffset.MinValue ? createdAt : from);
    }

    // A token names a kid this instance has not loaded: another instance may have just created
    // it. True when the kid is known after at most one throttled reload.
    // Callers that arrive while such a reload is running wait for it rather than fail: the first
    // tokens of a new key come in a burst, and that reload may be the one that brings the key.
    public async Task<bool> LearnAsync(string? kid, CancellationToken ct)
    {
        if (kid is null || Knows(kid)) return kid is not null;
        Task reload;
        lock (_learning)
        {
            var now = time.GetUtcNow();
            if (_unknownKidReload is { IsCompleted: false } running) reload = running;
            else if (now - _lastUnknownKidReload < UnknownKidReloadThrottle) return false;
            else
            {
                _lastUnknownKidReload = now;
                // Shared by every waiter, so no single caller's cancellation stops it.
                reload = _unknownKidReload = LoadAsync(CancellationToken.None);
            }
        }
        await reload.WaitAsync(ct);
        return Knows(kid);
    }

    // The kid in a token's JOSE header, read without trusting anything (it only names a key to
    // learn, at most once a second); null when there is none to read.
    public static string? KidOf(string? token) =>
        token is not null && JoseHeader.Read(token, "kid"u8, out var kid) == JoseHeader.Member.Found ? kid : null;

    // Every instance re-reads the store once per ReloadInterval; a second interval covers a tick
    // that lands just after the switch and one failed reload, so all of them know the key by then.
    DateTimeOffset SignsFrom(SigningKeyRecord key) => key.CreatedAt + PublishLead;

    public TimeSpan PublishLead => 2 * keyOptions.Value.ReloadInterval;

    async Task<List<SigningKeyRecord>> ListLiveAsync(DateTimeOffset now, CancellationToken ct)
    {
        // An instance whose reloads fail keeps signing with a retired key until one succeeds: one
        // more ReloadInterval is its margin (one lagging longer can outlive the key's verification).
        var keep = options.Value.LongestTokenLifetime + keyOptions.Value.ReloadInterval;
        var records = new List<SigningKeyRecord>();
        foreach (var record in await store.ListAsync(ct))
        {
            if (record.RetiredAt + keep < now)
                await store.DeleteAsync(record.Id, ct);
            else
                records.Add(record);
        }
        return records;
    }

    SigningKeyRecord NewKey(DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12));
        return new SigningKeyRecord { Id = id, PrivateKey = protector.Protect(id, ecdsa.ExportPkcs8PrivateKey()), CreatedAt = now };
    }

    // With an encryption key configured, keys stored before it was are encrypted in place.
    async Task EncryptPlainRecordsAsync(List<SigningKeyRecord> records, CancellationToken ct)
    {
        if (!protector.Encrypts) return;
        foreach (var record in records.Where(r => !SigningKeyProtector.IsEncrypted(r.PrivateKey)))
        {
            record.PrivateKey = protector.Protect(record.Id, record.PrivateKey);
            await store.UpdateAsync(record, ct);
        }
    }

    Dictionary<string, LiveKey> OpenAll(IEnumerable<SigningKeyRecord> records, KeySet? previous) =>
        records.ToDictionary(r => r.Id, r => previous?.Live.GetValueOrDefault(r.Id) ?? Open(r), StringComparer.Ordinal);

    KeySet Build(IEnumerable<SigningKeyRecord> records, IReadOnlyList<SigningKeyRecord> signers, IReadOnlyDictionary<string, LiveKey> opened)
    {
        var live = new Dictionary<string, LiveKey>(StringComparer.Ordinal);
        foreach (var record in records.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal))
            live[record.Id] = opened.GetValueOrDefault(record.Id) ?? Open(record);
        // Keys that left are not disposed: a request in flight may still hold one, and the GC frees them.
        var published = live.Values.Select(k => k.Key).ToList();
        // The oldest signs from the start: while no newer key may, it is the one everybody knows.
        var signing = signers.Select((r, i) => (i == 0 ? DateTimeOffset.MinValue : SignsFrom(r), live[r.Id].Credentials)).ToList();
        return new KeySet(signing, live, published);
    }

    LiveKey Open(SigningKeyRecord record)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(protector.Unprotect(record.Id, record.PrivateKey), out _);
        var key = new ECDsaSecurityKey(ecdsa) { KeyId = record.Id };
        return new LiveKey(key, new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256));
    }
}
