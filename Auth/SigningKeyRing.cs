using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

public sealed class SigningKeyOptions
{
    public const string Section = "MiniAuth:SigningKeys";

    // How long an instance may go without re-reading the keys from the store: the bound within
    // which a key created or retired on another instance signs, verifies and is published here.
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00",
        ErrorMessage = "MiniAuth:SigningKeys:ReloadInterval must be between {1} and {2}.")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);
}

// The ES256 keys in memory: the newest signs, every key whose tokens may still be alive verifies.
// Several instances share one store, so the ring re-reads it every ReloadInterval and at once
// (at most once a second) when a token names a kid it does not know.
public sealed class SigningKeyRing(ISigningKeyStore store, TimeProvider time, IOptions<TokenOptions> options,
    IOptions<SigningKeyOptions> keyOptions)
{
    // Garbage kids cost the store at most one read per this interval per instance.
    public static readonly TimeSpan UnknownKidReloadThrottle = TimeSpan.FromSeconds(1);

    sealed record KeySet(SigningCredentials Signing, IReadOnlyDictionary<string, ECDsaSecurityKey> Verifying);

    readonly SemaphoreSlim _reload = new(1, 1);
    KeySet? _keys;
    DateTimeOffset? _lastUnknownKidReload;

    KeySet Keys => _keys ?? throw new InvalidOperationException("The signing keys have not been loaded.");

    public SigningCredentials SigningCredentials => Keys.Signing;

    public IReadOnlyCollection<ECDsaSecurityKey> PublishedKeys => (IReadOnlyCollection<ECDsaSecurityKey>)Keys.Verifying.Values;

    public IEnumerable<SecurityKey> Resolve(string? kid) =>
        kid is not null && Keys.Verifying.TryGetValue(kid, out var key) ? [key] : [];

    public bool Knows(string? kid) => kid is not null && _keys?.Verifying.ContainsKey(kid) == true;

    // Creates the first key on first start and forgets keys whose last token has expired.
    // Instances starting together on an empty store may each create one: every instance then
    // lets the newest (by CreatedAt, then id) sign and retires the others, which keep verifying,
    // so all of them settle on one signing key by their next reload.
    public async Task LoadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            var records = await ListLiveAsync(now, ct);
            if (!records.Any(r => r.RetiredAt is null))
            {
                await store.AddAsync(NewKey(now), ct);
                records = await ListLiveAsync(now, ct);
            }

            var signing = records.Where(r => r.RetiredAt is null)
                .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Last();
            foreach (var other in records.Where(r => r.RetiredAt is null && r != signing))
            {
                other.RetiredAt = now;
                await store.UpdateAsync(other, ct);
            }

            _keys = Build(records, signing);
        }
        finally { _reload.Release(); }
    }

    // A new key signs from now on; the old ones keep verifying until their tokens have expired.
    // The new key is stored before the old one is retired, so no reader ever sees none.
    public async Task<string> RotateAsync(CancellationToken ct)
    {
        // Strictly newer than every stored key, so that every instance lets it sign.
        var createdAt = time.GetUtcNow();
        foreach (var record in await store.ListAsync(ct))
            if (record.CreatedAt >= createdAt) createdAt = record.CreatedAt + TimeSpan.FromMilliseconds(1);
        var created = NewKey(createdAt);
        await store.AddAsync(created, ct);
        await LoadAsync(ct);
        return created.Id;
    }

    // A token names a kid this instance has not loaded: another instance may have just created
    // it. True when the kid is known after at most one throttled reload.
    public async Task<bool> LearnAsync(string? kid, CancellationToken ct)
    {
        if (kid is null || Knows(kid)) return kid is not null;
        var now = time.GetUtcNow();
        if (now - _lastUnknownKidReload < UnknownKidReloadThrottle) return false;
        _lastUnknownKidReload = now;
        await LoadAsync(ct);
        return Knows(kid);
    }

    // JwtBearer resolves keys synchronously: learn the token's kid before it validates.
    public static async Task LearnKidOfBearerAsync(MessageReceivedContext context)
    {
        if (KidOf(AuthApi.BearerToken(context.HttpContext)) is not { } kid) return;
        var ring = context.HttpContext.RequestServices.GetRequiredService<SigningKeyRing>();
        if (!ring.Knows(kid)) await ring.LearnAsync(kid, context.HttpContext.RequestAborted);
    }

    // The kid of a compact JWS, read without trusting anything; null for anything else.
    public static string? KidOf(string? token)
    {
        if (token is null) return null;
        try { return new JsonWebToken(token).Kid; }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or FormatException) { return null; }
    }

    async Task<List<SigningKeyRecord>> ListLiveAsync(DateTimeOffset now, CancellationToken ct)
    {
        // A lagging instance may sign with a just-retired key for up to ReloadInterval more.
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

    static KeySet Build(IEnumerable<SigningKeyRecord> records, SigningKeyRecord signing)
    {
        var verifying = new Dictionary<string, ECDsaSecurityKey>(StringComparer.Ordinal);
        foreach (var record in records.OrderBy(r => r.CreatedAt))
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(record.PrivateKey, out _);
            verifying[record.Id] = new ECDsaSecurityKey(ecdsa) { KeyId = record.Id };
        }
        return new KeySet(new SigningCredentials(verifying[signing.Id], SecurityAlgorithms.EcdsaSha256), verifying);
    }
}

// Loads the keys before the server takes its first request, then re-reads them every
// ReloadInterval so that keys created or retired by other instances reach this one.
public sealed partial class SigningKeyLoader(SigningKeyRing keys, TimeProvider time, IOptions<SigningKeyOptions> options,
    ILogger<SigningKeyLoader> logger) : BackgroundService
{
    PeriodicTimer? _timer;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await keys.LoadAsync(cancellationToken);
        // Made before the host reports started, so that no tick of the clock can be missed.
        _timer = new PeriodicTimer(options.Value.ReloadInterval, time);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = _timer!;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // A failed reload keeps the keys it had and is retried next tick.
            try { await keys.LoadAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException) { LogReloadFailed(e); }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the signing keys failed; retrying at the next interval")]
    partial void LogReloadFailed(Exception exception);
}
