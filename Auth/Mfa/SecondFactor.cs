namespace MiniAuth.Auth.Mfa;

// What a login's second step presents. Passkey (an assertion) joins here.
public enum SecondFactorKind { Totp, RecoveryCode }

public sealed record SecondFactor(SecondFactorKind Kind, string Value)
{
    // The audit trail's name for it, as in the mfa_required answer's methods.
    public string Method => Kind == SecondFactorKind.Totp ? MfaMethods.Totp : MfaMethods.RecoveryCode;
}
