using MiniAuth.Storage;

namespace MiniAuth.Auth.Passkeys;

// Removing passkeys: one of a user's own, or all of a user's (the admin's resetUserMfa, an
// account deleted). Returns whether, or how many, were removed.
public sealed class PasskeyRemoval(IPasskeyStore passkeys)
{
    public Task<bool> RemoveAsync(string userId, string passkeyId, CancellationToken ct) => passkeys.DeleteAsync(userId, passkeyId, ct);

    public Task<int> RemoveAllAsync(string userId, CancellationToken ct) => passkeys.DeleteForUserAsync(userId, ct);
}
