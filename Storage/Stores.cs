namespace MiniAuth.Storage;

// One small contract per thing stored, because more than one backend implements them.

public interface IUserStore
{
    Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct);
    Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken ct);
    // False when the normalized email is already taken.
    Task<bool> TryCreateAsync(UserRecord user, CancellationToken ct);
    // Targeted writes, never a whole record written back: a rename racing a password change
    // must not bring the old hash back.
    Task UpdateNameAsync(string id, string? name, CancellationToken ct);
    // The compare-and-swap of a password change or rehash: false when the hash is no longer expectedHash.
    Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, CancellationToken ct);
    Task AddRoleAsync(string id, string role, CancellationToken ct);
    Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct);
}

public interface ISessionStore
{
    Task CreateAsync(SessionRecord session, CancellationToken ct);
    Task<SessionRecord?> FindAsync(string id, CancellationToken ct);
    // The compare-and-swap of a refresh: succeeds only while the session is not revoked and its
    // current jti is still expectedJti, so two callers can never branch one session.
    Task<bool> TryRotateAsync(string id, string expectedJti, SessionRotation rotation, CancellationToken ct);
    // True when the session existed and was not revoked before.
    Task<bool> RevokeAsync(string id, string reason, DateTimeOffset now, CancellationToken ct);
    Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct);
    Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct);
    // Frees sessions that ended (expired or were revoked) before endedBefore.
    Task<int> DeleteEndedAsync(DateTimeOffset endedBefore, CancellationToken ct);
}

public interface ISigningKeyStore
{
    Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken ct);
    Task AddAsync(SigningKeyRecord key, CancellationToken ct);
    Task UpdateAsync(SigningKeyRecord key, CancellationToken ct);
    Task DeleteAsync(string id, CancellationToken ct);
}

// Failed logins per opaque key (account and client), counted in a window that starts at the
// first failure. Kept in the store so a restart does not reset an attacker's count.
public interface ILoginFailureStore
{
    Task<LoginFailures> RecordFailureAsync(string key, DateTimeOffset now, TimeSpan window, CancellationToken ct);
    Task ClearAsync(string key, CancellationToken ct);
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
