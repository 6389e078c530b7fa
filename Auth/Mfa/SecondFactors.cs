using System.Text.Json;
using MiniAuth.Auth.Passkeys;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Mfa;

// Checking a second factor of a user who has TOTP on. Each success is a compare-and-swap in the
// store, so a code, a recovery code or a passkey's challenge is accepted once, however many
// instances see it at once.
public sealed class SecondFactors(IMfaStore store, TotpSecretProtector protector, PasskeyVerifier passkeys)
{
    public async Task<bool> TryTotpAsync(string userId, string? code, DateTimeOffset now, CancellationToken ct)
    {
        if (await store.FindAsync(userId, ct) is not { TotpSecret: { } stored }) return false;
        if (protector.Unprotect(userId, stored) is not { } secret) return false;
        return TotpCodes.MatchStep(secret, code, now) is { } step && await store.TryAcceptTotpStepAsync(userId, stored, step, ct);
    }

    // An assertion against the options the mfa_required answer carried (a challenge bound to this user).
    public async Task<bool> TryPasskeyAsync(string userId, JsonElement? credential, string? clientIp, DateTimeOffset now, CancellationToken ct) =>
        (await passkeys.VerifyAsync(credential, userId, clientIp, now, ct)).Passkey is not null;

    public async Task<bool> TryRecoveryCodeAsync(string userId, string? typed, CancellationToken ct) =>
        RecoveryCodes.Normalize(typed) is { } code && await store.TryUseRecoveryCodeAsync(userId, RecoveryCodes.HashOf(userId, code), ct);
}
