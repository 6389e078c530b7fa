using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Mfa;

// The MFA token a right password earns on an account with a second factor: 256 random bits,
// stored only as its SHA-256 with the users (IAccountTokenStore, kind mfa_login), so it works on
// every instance; 5 minutes; single use. Each try takes it (one atomic take: two tries at once
// never both get it); a wrong code puts it back with one more attempt, the fifth does not.
public sealed class MfaLoginTokens(IAccountTokenStore store)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    public const int MaxAttempts = 5;

    public async Task<string> IssueAsync(string userId, string verifiedHash, string clientKey, bool refreshInBody,
        DateTimeOffset now, CancellationToken ct)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = new MfaChallenge(HashOf(token), userId, Digest(verifiedHash), Digest(clientKey), refreshInBody, 0,
            now, now + Lifetime);
        await store.AddAsync(ToRecord(challenge), ct);
        return token;
    }

    // Null for anything that is not a live MFA token: unknown, used, expired, exhausted, garbage.
    public async Task<MfaChallenge?> TakeAsync(string token, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100) return null;
        var record = await store.TakeAsync(HashOf(token), AccountTokenKinds.MfaLogin, now, ct);
        return record?.Data is { } data && JsonSerializer.Deserialize<Terms>(data) is { } terms
            ? new MfaChallenge(record.Id, record.UserId, terms.Password, terms.Client, terms.RefreshInBody, terms.Attempts,
                record.CreatedAt, record.ExpiresAt)
            : null;
    }

    // After a try that did not count (a throttled one) or a wrong code that left attempts.
    public Task PutBackAsync(MfaChallenge challenge, CancellationToken ct) => store.AddAsync(ToRecord(challenge), ct);

    public static bool SameClient(MfaChallenge challenge, string clientKey) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(challenge.ClientDigest), Encoding.ASCII.GetBytes(Digest(clientKey)));

    public static bool SamePassword(MfaChallenge challenge, string passwordHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(challenge.PasswordDigest), Encoding.ASCII.GetBytes(Digest(passwordHash)));

    static AccountTokenRecord ToRecord(MfaChallenge challenge) => new()
    {
        Id = challenge.TokenHash,
        UserId = challenge.UserId,
        Kind = AccountTokenKinds.MfaLogin,
        Data = JsonSerializer.Serialize(new Terms(challenge.PasswordDigest, challenge.ClientDigest, challenge.RefreshInBody, challenge.Attempts)),
        CreatedAt = challenge.CreatedAt,
        ExpiresAt = challenge.ExpiresAt,
    };

    static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    static string Digest(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    sealed record Terms(string Password, string Client, bool RefreshInBody, int Attempts);
}
