namespace MiniAuth.Auth.Passkeys;

// How a passkey ceremony ended. Malformed: the credential JSON is not a WebAuthn credential.
// ChallengeInvalid: its challenge is unknown, used, expired or another user's. Refused: it did not
// verify (signature, origin, RP id, user verification, unknown or foreign credential).
// CounterWentBack: a counter-using authenticator presented a counter not above the stored one (a clone).
public enum PasskeyVerdict
{
    Verified, NotConfigured, Malformed, ChallengeInvalid, Refused, CounterWentBack, AlreadyRegistered, LimitReached,
}
