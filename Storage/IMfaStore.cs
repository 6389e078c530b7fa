namespace MiniAuth.Storage;

// The users' second factors (MfaRecord). Every change that a second caller could race is one
// compare-and-swap on the record, stated on its method.
public interface IMfaStore
{
    Task<MfaRecord?> FindAsync(string userId, CancellationToken ct);
    // Starts (or restarts) an enrolment; an enabled TOTP is left as it is.
    Task SetPendingTotpAsync(string userId, byte[] secret, DateTimeOffset now, CancellationToken ct);
    // Turns TOTP on with the pending secret, only while it is still expectedPending and TOTP is
    // off: of two confirms, one wins. acceptedStep is the step of the code that confirmed it.
    Task<bool> TryEnableTotpAsync(string userId, byte[] expectedPending, long acceptedStep,
        IReadOnlyList<string> recoveryCodeHashes, DateTimeOffset now, CancellationToken ct);
    // Accepts a code of time step `step` only while TOTP is on with this very secret and no code
    // of this step or a later one was accepted: of two submissions of one code, one wins.
    Task<bool> TryAcceptTotpStepAsync(string userId, byte[] secret, long step, CancellationToken ct);
    // Removes one unused recovery code; false when it is not (or no longer) one of the user's.
    Task<bool> TryUseRecoveryCodeAsync(string userId, string codeHash, CancellationToken ct);
    // Everything of the user (TOTP, pending enrolment, recovery codes); true when TOTP was on.
    Task<bool> DeleteAsync(string userId, CancellationToken ct);
    // Which of these users have TOTP on (the admin's list).
    Task<IReadOnlySet<string>> WithTotpAsync(IReadOnlyCollection<string> userIds, CancellationToken ct);
}
