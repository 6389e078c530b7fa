using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Passkeys;

// The options of each ceremony, kept server-side with the users (so any instance can verify the
// answer) as a one-time account token: keyed by the SHA-256 of the challenge, taken once, dead
// after MiniAuth:Passkeys:ChallengeLifetime.
public sealed class PasskeyChallenges(IAccountTokenStore store, IOptions<PasskeyOptions> options)
{
    public Task KeepAsync(byte[] challenge, string kind, string userId, string optionsJson, DateTimeOffset now, CancellationToken ct) =>
        store.AddAsync(new AccountTokenRecord
        {
            Id = HashOf(challenge),
            UserId = userId,
            Kind = kind,
            Data = optionsJson,
            CreatedAt = now,
            ExpiresAt = now + options.Value.ChallengeLifetime,
        }, ct);

    // The options whose challenge the browser signed (read from its clientDataJSON), once; null
    // when unknown, used, expired, of another kind, or made for another user.
    public async Task<string?> TakeAsync(byte[] clientDataJson, string kind, string userId, DateTimeOffset now, CancellationToken ct)
    {
        if (ChallengeOf(clientDataJson) is not { } challenge) return null;
        var kept = await store.TakeAsync(HashOf(challenge), kind, now, ct);
        return kept is not null && kept.UserId == userId ? kept.Data : null;
    }

    static byte[]? ChallengeOf(byte[] clientDataJson)
    {
        try
        {
            using var json = JsonDocument.Parse(clientDataJson);
            return json.RootElement.TryGetProperty("challenge", out var value) && value.ValueKind == JsonValueKind.String
                ? Base64Url.DecodeFromChars(value.GetString()) : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    static string HashOf(byte[] challenge) => Convert.ToHexStringLower(SHA256.HashData(challenge));
}
