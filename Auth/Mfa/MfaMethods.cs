using MiniAuth.Storage;

namespace MiniAuth.Auth.Mfa;

// Which second factors a user has, in one place: the admin's view (adminUser.mfa), what may
// complete a login's second step (the mfa_required answer's methods), and removing them all.
// Passkeys join here.
public sealed class MfaMethods(IMfaStore store)
{
    public const string Totp = "totp";
    public const string RecoveryCode = "recovery_code";

    public async Task<IReadOnlyList<string>> EnrolledAsync(string userId, CancellationToken ct) =>
        await store.FindAsync(userId, ct) is { } record && record.HasTotp() ? [Totp] : [];

    // Empty when the password alone signs in.
    public async Task<IReadOnlyList<string>> SecondStepAsync(string userId, CancellationToken ct)
    {
        if (await store.FindAsync(userId, ct) is not { } record || !record.HasTotp()) return [];
        return record.RecoveryCodeHashes.Count > 0 ? [Totp, RecoveryCode] : [Totp];
    }

    // The admin's list: each user's methods, one store call for the page.
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> EnrolledAsync(IReadOnlyCollection<string> userIds,
        CancellationToken ct)
    {
        var withTotp = await store.WithTotpAsync(userIds, ct);
        return userIds.Distinct().ToDictionary(id => id, id => withTotp.Contains(id) ? (IReadOnlyList<string>)[Totp] : []);
    }

    // Every second factor of the user: TOTP, a pending enrolment, the recovery codes (an admin's
    // reset, an account's deletion). True when TOTP was on.
    public Task<bool> RemoveAllAsync(string userId, CancellationToken ct) => store.DeleteAsync(userId, ct);
}
