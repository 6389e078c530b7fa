using MiniAuth.Storage;

namespace MiniAuth.Auth.Mfa;

// Which second factors a user has, in one place: the admin's view (adminUser.mfa), what may
// complete a login's second step (the mfa_required answer's methods), and removing them all.
// A passkey signs in on its own (POST /auth/passkey); after a password it is one more way to
// answer the second step that TOTP asks for.
public sealed class MfaMethods(IMfaStore store, IPasskeyStore passkeys)
{
    public const string Totp = "totp";
    public const string RecoveryCode = "recovery_code";
    public const string Passkey = "passkey";

    public async Task<IReadOnlyList<string>> EnrolledAsync(string userId, CancellationToken ct)
    {
        var totp = await store.FindAsync(userId, ct) is { } record && record.HasTotp();
        var passkey = (await passkeys.ListForUserAsync(userId, ct)).Count > 0;
        return [.. totp ? [Totp] : Array.Empty<string>(), .. passkey ? [Passkey] : Array.Empty<string>()];
    }

    // Empty when the password alone signs in.
    public async Task<IReadOnlyList<string>> SecondStepAsync(string userId, CancellationToken ct)
    {
        if (await store.FindAsync(userId, ct) is not { } record || !record.HasTotp()) return [];
        var passkey = (await passkeys.ListForUserAsync(userId, ct)).Count > 0;
        return [Totp, .. record.RecoveryCodeHashes.Count > 0 ? [RecoveryCode] : Array.Empty<string>(),
            .. passkey ? [Passkey] : Array.Empty<string>()];
    }

    // The admin's list: each user's methods, one store call for the page.
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> EnrolledAsync(IReadOnlyCollection<string> userIds,
        CancellationToken ct)
    {
        var withTotp = await store.WithTotpAsync(userIds, ct);
        var methods = new Dictionary<string, IReadOnlyList<string>>();
        // One passkey lookup per user of the page (an indexed read each; a page is at most 100).
        foreach (var id in userIds.Distinct())
        {
            var passkey = (await passkeys.ListForUserAsync(id, ct)).Count > 0;
            methods[id] = [.. withTotp.Contains(id) ? [Totp] : Array.Empty<string>(), .. passkey ? [Passkey] : Array.Empty<string>()];
        }
        return methods;
    }

    // Every second factor of the user: TOTP, a pending enrolment, the recovery codes, the passkeys
    // (an admin's reset, an account's deletion). True when TOTP was on.
    public async Task<bool> RemoveAllAsync(string userId, CancellationToken ct)
    {
        await passkeys.DeleteForUserAsync(userId, ct);
        return await store.DeleteAsync(userId, ct);
    }
}
