using System.Text.Json;

namespace MiniAuth.Auth.Mfa;

// What a login's second step presents: a code, a recovery code, or a passkey assertion (Credential).
public enum SecondFactorKind { Totp, RecoveryCode, Passkey }

public sealed record SecondFactor(SecondFactorKind Kind, string? Value, JsonElement? Credential = null)
{
    // The audit trail's name for it, as in the mfa_required answer's methods.
    public string Method => Kind switch
    {
        SecondFactorKind.Totp => MfaMethods.Totp,
        SecondFactorKind.RecoveryCode => MfaMethods.RecoveryCode,
        _ => MfaMethods.Passkey,
    };
}
