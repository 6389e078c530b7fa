using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Recovery;

// The rules of the tokens in mails: 256 random bits, base64url; only their SHA-256 is stored;
// single use; a new one of a kind ends the user's older ones of that kind.
public sealed class AccountTokens(IAccountTokenStore store, IOptions<PasswordResetOptions> reset,
    IOptions<EmailVerificationOptions> verification)
{
    public async Task<IssuedAccountToken> IssueAsync(string userId, string kind, string? data, DateTimeOffset now, CancellationToken ct)
    {
        await store.DeleteForUserAsync(userId, kind, ct);
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var expiresAt = now + LifetimeOf(kind);
        await store.AddAsync(new AccountTokenRecord
        {
            Id = HashOf(token),
            UserId = userId,
            Kind = kind,
            Data = data,
            CreatedAt = now,
            ExpiresAt = expiresAt,
        }, ct);
        return new IssuedAccountToken(token, expiresAt);
    }

    // Null for anything that is not a live token of this kind: unknown, used, expired, garbage.
    public async Task<AccountTokenRecord?> TakeAsync(string token, string kind, DateTimeOffset now, CancellationToken ct) =>
        string.IsNullOrEmpty(token) ? null : await store.TakeAsync(HashOf(token), kind, now, ct);

    // kind null: every kind.
    public Task<int> DeleteAsync(string userId, string? kind, CancellationToken ct) => store.DeleteForUserAsync(userId, kind, ct);

    public TimeSpan LifetimeOf(string kind) =>
        kind == AccountTokenKinds.PasswordReset ? reset.Value.TokenLifetime : verification.Value.TokenLifetime;

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
