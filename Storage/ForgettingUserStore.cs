using MiniAuth.Storage.Redis;

namespace MiniAuth.Storage;

// The user store with every write followed by forgetting that user in this instance's cache and,
// with Redis, in the others' (RedisUserChanges). After the write, whether or not it succeeded (one
// that timed out may have landed): this instance never serves a copy older than its own last write.
// Reads pass straight through: only RecentUsers reads from the cache.
internal sealed class ForgettingUserStore(IUserStore inner, UserCache cache, RedisUserChanges? others) : IUserStore
{
    public Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct) => inner.FindByIdAsync(id, ct);
    public Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) => inner.FindByEmailAsync(normalizedEmail, ct);
    public Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct) => inner.ListAsync(ct);
    public Task<IReadOnlyList<UserRecord>> ListPageAsync(string? search, UserPageKey? after, int limit, CancellationToken ct) =>
        inner.ListPageAsync(search, after, limit, ct);
    public Task<bool> AnyEnabledWithRoleAsync(string role, CancellationToken ct) => inner.AnyEnabledWithRoleAsync(role, ct);

    // A new id cannot be cached yet; forgotten all the same, in case a read of it raced the create.
    public Task<bool> TryCreateAsync(UserRecord user, CancellationToken ct) =>
        Forgetting(user.Id, () => inner.TryCreateAsync(user, ct));
    public Task UpdateNameAsync(string id, string? name, CancellationToken ct) =>
        Forgetting(id, async () => { await inner.UpdateNameAsync(id, name, ct); return true; });
    public Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, CancellationToken ct) =>
        Forgetting(id, () => inner.TryReplacePasswordHashAsync(id, expectedHash, newHash, ct));
    public Task AddRoleAsync(string id, string role, CancellationToken ct) =>
        Forgetting(id, async () => { await inner.AddRoleAsync(id, role, ct); return true; });
    public Task<bool> TryMarkEmailVerifiedAsync(string id, string expectedNormalizedEmail, CancellationToken ct) =>
        Forgetting(id, () => inner.TryMarkEmailVerifiedAsync(id, expectedNormalizedEmail, ct));
    public Task<bool> TryChangeEmailAsync(string id, string expectedNormalizedEmail, string newEmail, string newNormalizedEmail, CancellationToken ct) =>
        Forgetting(id, () => inner.TryChangeEmailAsync(id, expectedNormalizedEmail, newEmail, newNormalizedEmail, ct));
    public Task<bool> DeleteAsync(string id, CancellationToken ct) =>
        Forgetting(id, () => inner.DeleteAsync(id, ct));
    public Task<UserChangeResult> TryChangeAsync(string id, UserChanges changes, string keptRole, CancellationToken ct) =>
        Forgetting(id, () => inner.TryChangeAsync(id, changes, keptRole, ct));
    public Task<UserChangeOutcome> TryDeleteAsync(string id, string keptRole, CancellationToken ct) =>
        Forgetting(id, () => inner.TryDeleteAsync(id, keptRole, ct));
    public Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken ct) =>
        Forgetting(id, async () => { await inner.RecordLoginAsync(id, at, ct); return true; });

    async Task<T> Forgetting<T>(string id, Func<Task<T>> write)
    {
        try { return await write(); }
        finally
        {
            cache.Forget(id);
            others?.Publish(id);
        }
    }
}
