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
    // Marks the email verified only while it is still expectedNormalizedEmail (the address the
    // token was mailed to): false when the user is gone or the email changed since.
    Task<bool> TryMarkEmailVerifiedAsync(string id, string expectedNormalizedEmail, CancellationToken ct);
    // The compare-and-swap of an email change: only while the email is still
    // expectedNormalizedEmail, and the new one verified with it. False when the email changed
    // meanwhile or newNormalizedEmail is taken (by anyone, this user's own old address aside).
    Task<bool> TryChangeEmailAsync(string id, string expectedNormalizedEmail, string newEmail, string newNormalizedEmail, CancellationToken ct);
    // True when the user existed; the email is free for a new signup at once.
    Task<bool> DeleteAsync(string id, CancellationToken ct);
    // One page of users in (CreatedAt, Id) order (Id compared ordinally), after the key `after`
    // (exclusive), so a walk page by page sees every user once however many sign up meanwhile.
    // search: upper-cased text that the normalized email or the upper-cased name must contain.
    Task<IReadOnlyList<UserRecord>> ListPageAsync(string? search, UserPageKey? after, int limit, CancellationToken ct);
    // The admin's changes, one atomic step. keptRole: refused (LastHolder) when the change would
    // leave no enabled user holding that role, checked and written under one lock, so two admins
    // demoting each other at once cannot both succeed.
    Task<UserChangeResult> TryChangeAsync(string id, UserChanges changes, string keptRole, CancellationToken ct);
    // Deletes the user unless it is the last enabled holder of keptRole (same lock as TryChangeAsync).
    Task<UserChangeOutcome> TryDeleteAsync(string id, string keptRole, CancellationToken ct);
    Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken ct);
    // Whether an enabled user holds the role (the start banner: is there an admin yet).
    Task<bool> AnyEnabledWithRoleAsync(string role, CancellationToken ct);
}

// One-time account tokens (password reset, email verification and change), kept only as the
// SHA-256 of the token that was mailed, so a copy of the store redeems nothing.
public interface IAccountTokenStore
{
    Task AddAsync(AccountTokenRecord token, CancellationToken ct);
    // Single use, atomically: returns the token of this kind and deletes it, only while it is
    // unexpired at now (alive up to and including ExpiresAt). Two callers never both get it.
    Task<AccountTokenRecord?> TakeAsync(string tokenHash, string kind, DateTimeOffset now, CancellationToken ct);
    // Every token of the user of that kind, or of every kind when kind is null.
    Task<int> DeleteForUserAsync(string userId, string? kind, CancellationToken ct);
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct);
}

public interface ISessionStore
{
    Task CreateAsync(SessionRecord session, CancellationToken ct);
    Task<SessionRecord?> FindAsync(string id, CancellationToken ct);
    // Where an access check stands in the store's history: FindForAccessCheckAsync from it sees
    // every revocation that finished, on any instance, before it was asked for. A caller may ask
    // for it before it knows which session it will check, and wait for it once.
    Task<SessionCheckpoint> CheckpointAsync();
    // The session as an access check needs it, as of the checkpoint or later; the fields a rotation
    // changes may lag (an ExpiresAt that has passed is read again). Do not rotate or revoke from it.
    Task<SessionRecord?> FindForAccessCheckAsync(string id, SessionCheckpoint checkpoint, CancellationToken ct);
    // The compare-and-swap of a refresh: succeeds only while the session is not revoked and its
    // current jti is still expectedJti, so two callers can never branch one session.
    Task<bool> TryRotateAsync(string id, string expectedJti, SessionRotation rotation, CancellationToken ct);
    // True when the session existed and was not revoked before.
    Task<bool> RevokeAsync(string id, string reason, DateTimeOffset now, CancellationToken ct);
    Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct);
    Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct);
    // Frees sessions that ended (expired or were revoked) before endedBefore, and the feed's
    // entries of revocations before it (the newest entry stays, so cursors keep their meaning).
    Task<int> DeleteEndedAsync(DateTimeOffset endedBefore, CancellationToken ct);
    // The revoked-sessions feed: sessions revoked after the cursor `after` (all when null) and not
    // before revokedSince, at most limit, in the order they were revoked. Every revocation is in it,
    // written in the same step as the revocation. Null when `after` is not a cursor of this store;
    // a cursor ahead of the feed's end (another store's, a restored backup) reads from the start.
    Task<RevokedSessionsPage?> ListRevokedAsync(string? after, DateTimeOffset revokedSince, int limit, CancellationToken ct);
}

public interface ISigningKeyStore
{
    Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken ct);
    Task AddAsync(SigningKeyRecord key, CancellationToken ct);
    Task UpdateAsync(SigningKeyRecord key, CancellationToken ct);
    Task DeleteAsync(string id, CancellationToken ct);
}

// The stored audit trail. Events are only added and, past their retention, deleted: never changed.
public interface IAuditStore
{
    // Idempotent per Id, so a batch retried after a write that did land is not stored twice.
    Task AddAsync(IReadOnlyList<AuditEventRecord> events, CancellationToken ct);
    // Newest first (descending Id): a keyset page, so events added meanwhile never shift it.
    Task<IReadOnlyList<AuditEventRecord>> ListAsync(AuditQuery query, CancellationToken ct);
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct);
}

// Failed logins per opaque key (account and client), counted in a window that starts at the
// first failure. Kept in the store so a restart does not reset an attacker's count.
public interface ILoginFailureStore
{
    Task<LoginFailures> RecordFailureAsync(string key, DateTimeOffset now, TimeSpan window, CancellationToken ct);
    Task ClearAsync(string key, CancellationToken ct);
    Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
