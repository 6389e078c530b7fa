namespace MiniAuth.Storage;

// The users' passkeys (WebAuthn credentials), kept with the users.
public interface IPasskeyStore
{
    // False when the credential id is registered already (to anyone).
    Task<bool> TryAddAsync(PasskeyRecord passkey, CancellationToken ct);
    Task<PasskeyRecord?> FindByCredentialIdAsync(string credentialId, CancellationToken ct);
    Task<IReadOnlyList<PasskeyRecord>> ListForUserAsync(string userId, CancellationToken ct);
    // Only the user's own: false for an unknown id and for another user's alike.
    Task<bool> DeleteAsync(string userId, string id, CancellationToken ct);
    Task<int> DeleteForUserAsync(string userId, CancellationToken ct);
    // The compare-and-swap of a sign-in: the counter moves only while it is still expectedSignCount,
    // so two assertions racing with one counter value (a cloned authenticator) cannot both count.
    Task<bool> TryRecordUseAsync(string id, long expectedSignCount, long newSignCount, DateTimeOffset at, CancellationToken ct);
}
