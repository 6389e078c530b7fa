using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The real store behind a seam: a race test overrides the one call it needs to hold or interleave.
public abstract class ForwardingUserStore(IUserStore inner) : IUserStore
{
    protected IUserStore Inner => inner;

    public virtual Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct) => inner.FindByIdAsync(id, ct);
    public virtual Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) => inner.FindByEmailAsync(normalizedEmail, ct);
    public virtual Task<bool> TryCreateAsync(UserRecord user, CancellationToken ct) => inner.TryCreateAsync(user, ct);
    public virtual Task UpdateNameAsync(string id, string? name, CancellationToken ct) => inner.UpdateNameAsync(id, name, ct);
    public virtual Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, CancellationToken ct) =>
        inner.TryReplacePasswordHashAsync(id, expectedHash, newHash, ct);
    public virtual Task AddRoleAsync(string id, string role, CancellationToken ct) => inner.AddRoleAsync(id, role, ct);
    public virtual Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct) => inner.ListAsync(ct);
    public virtual Task<bool> TryMarkEmailVerifiedAsync(string id, string expectedNormalizedEmail, CancellationToken ct) =>
        inner.TryMarkEmailVerifiedAsync(id, expectedNormalizedEmail, ct);
    public virtual Task<bool> TryChangeEmailAsync(string id, string expectedNormalizedEmail, string newEmail, string newNormalizedEmail, CancellationToken ct) =>
        inner.TryChangeEmailAsync(id, expectedNormalizedEmail, newEmail, newNormalizedEmail, ct);
    public virtual Task<bool> DeleteAsync(string id, CancellationToken ct) => inner.DeleteAsync(id, ct);
    public virtual Task<IReadOnlyList<UserRecord>> ListPageAsync(string? search, UserPageKey? after, int limit, CancellationToken ct) =>
        inner.ListPageAsync(search, after, limit, ct);
    public virtual Task<UserChangeResult> TryChangeAsync(string id, UserChanges changes, string keptRole, CancellationToken ct) =>
        inner.TryChangeAsync(id, changes, keptRole, ct);
    public virtual Task<UserChangeOutcome> TryDeleteAsync(string id, string keptRole, CancellationToken ct) => inner.TryDeleteAsync(id, keptRole, ct);
    public virtual Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken ct) => inner.RecordLoginAsync(id, at, ct);
    public virtual Task<bool> AnyEnabledWithRoleAsync(string role, CancellationToken ct) => inner.AnyEnabledWithRoleAsync(role, ct);
}
