using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Auth.Recovery;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Accounts;

// Signup invites, kept like the mailed tokens: 256 random bits, base64url, only the SHA-256 stored
// (kind "invite"), single use by the store's atomic take, dead after MiniAuth:Signup:InviteLifetime
// and swept with the other expired tokens. An invite is not one per admin: issuing one leaves the
// others alone. It dies with the account of the admin who made it.
public sealed class Invites(IAccountTokenStore store, IOptions<SignupOptions> options)
{
    sealed record Terms(string? Email, List<string> Roles);

    // invitedBy: the admin's user id, "" from the command line.
    public async Task<IssuedInvite> IssueAsync(string invitedBy, string? normalizedEmail, IReadOnlyList<string> roles,
        DateTimeOffset now, CancellationToken ct)
    {
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var hash = AccountTokens.HashOf(code);
        var expiresAt = now + options.Value.InviteLifetime;
        await store.AddAsync(new AccountTokenRecord
        {
            Id = hash,
            UserId = invitedBy,
            Kind = AccountTokenKinds.Invite,
            Data = JsonSerializer.Serialize(new Terms(normalizedEmail, [.. roles])),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        }, ct);
        return new IssuedInvite(code, IdOf(hash), expiresAt);
    }

    // Null for anything that is not a live invite: unknown, used, expired, garbage.
    public async Task<TakenInvite?> TakeAsync(string code, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 256) return null;
        if (await store.TakeAsync(AccountTokens.HashOf(code), AccountTokenKinds.Invite, now, ct) is not { } record) return null;
        var terms = JsonSerializer.Deserialize<Terms>(record.Data ?? "{}") ?? new Terms(null, []);
        return new TakenInvite(IdOf(record.Id), terms.Email, terms.Roles ?? [], record);
    }

    // A signup that failed after taking the invite (email taken, another email than the pinned one)
    // must not have spent it: whoever holds the code may try again until it expires.
    public Task GiveBackAsync(TakenInvite invite, CancellationToken ct) => store.AddAsync(invite.Record, ct);

    static string IdOf(string hash) => hash[..12];
}
