using LiteDB;

namespace MiniAuth.Storage.LiteDb;

public sealed class LiteDbUserStore(LiteDbContext db) : IUserStore
{
    public Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct) =>
        db.Read<UserRecord?>(() => db.Users.FindById(id));

    public Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) =>
        db.Read<UserRecord?>(() => db.Users.FindOne(Query.EQ(nameof(UserRecord.NormalizedEmail), normalizedEmail)));

    public Task<bool> TryCreateAsync(UserRecord user, CancellationToken ct) => db.Write(() =>
    {
        try
        {
            db.Users.Insert(user);
            return true;
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return false;
        }
    });

    public Task UpdateNameAsync(string id, string? name, CancellationToken ct) =>
        Change(id, user => { user.Name = name; return true; });

    public Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, CancellationToken ct) =>
        Change(id, user =>
        {
            if (user.PasswordHash != expectedHash) return false;
            user.PasswordHash = newHash;
            return true;
        });

    public Task AddRoleAsync(string id, string role, CancellationToken ct) =>
        Change(id, user =>
        {
            if (user.Roles.Contains(role)) return false;
            user.Roles.Add(role);
            return true;
        });

    public Task<bool> TryMarkEmailVerifiedAsync(string id, string expectedNormalizedEmail, CancellationToken ct) =>
        Change(id, user =>
        {
            if (user.NormalizedEmail != expectedNormalizedEmail) return false;
            user.EmailVerified = true;
            return true;
        });

    // The unique index on NormalizedEmail refuses a taken address inside the update.
    public Task<bool> TryChangeEmailAsync(string id, string expectedNormalizedEmail, string newEmail, string newNormalizedEmail,
        CancellationToken ct) => db.Write(() =>
    {
        try
        {
            return ChangeNow(id, user =>
            {
                if (user.NormalizedEmail != expectedNormalizedEmail) return false;
                (user.Email, user.NormalizedEmail, user.EmailVerified) = (newEmail, newNormalizedEmail, true);
                return true;
            });
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return false;
        }
    });

    public Task<bool> DeleteAsync(string id, CancellationToken ct) => db.Write(() =>
    {
        lock (db.UserWrites) return db.Users.Delete(id);
    });

    Task<bool> Change(string id, Func<UserRecord, bool> change) => db.Write(() => ChangeNow(id, change));

    // LiteDB writes whole documents: every change of a user is read-modify-write under one lock.
    bool ChangeNow(string id, Func<UserRecord, bool> change)
    {
        lock (db.UserWrites)
        {
            var user = db.Users.FindById(id);
            return user is not null && change(user) && db.Users.Update(user);
        }
    }

    public Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct) =>
        db.Read<IReadOnlyList<UserRecord>>(() => db.Users.FindAll().OrderBy(u => u.CreatedAt).ToList());

    // The CreatedAt index gives the order, read from the key on; LiteDB orders users of one
    // instant arbitrarily, so the page is read on to the end of its last instant and sorted by id.
    // The search has no index: it filters on the way, as PostgreSQL's does.
    public Task<IReadOnlyList<UserRecord>> ListPageAsync(string? search, UserPageKey? after, int limit, CancellationToken ct) =>
        db.Read<IReadOnlyList<UserRecord>>(() =>
    {
        var query = db.Users.Query();
        if (after is not null) query = query.Where(Query.GTE(nameof(UserRecord.CreatedAt), LiteDbContext.Serialize(after.CreatedAt)));
        var page = new List<UserRecord>();
        foreach (var user in query.OrderBy(u => u.CreatedAt).ToEnumerable())
        {
            if (after is not null && !after.IsBefore(user)) continue;
            if (search is not null && !Matches(user, search)) continue;
            if (page.Count >= limit && user.CreatedAt != page[^1].CreatedAt) break;
            page.Add(user);
        }
        return page.OrderBy(u => u.CreatedAt).ThenBy(u => u.Id, StringComparer.Ordinal).Take(limit).ToList();
    });

    static bool Matches(UserRecord user, string search) =>
        user.NormalizedEmail.Contains(search, StringComparison.Ordinal)
        || (user.Name?.ToUpperInvariant().Contains(search, StringComparison.Ordinal) ?? false);

    public Task<UserChangeResult> TryChangeAsync(string id, UserChanges changes, string keptRole, CancellationToken ct) => db.Write(() =>
    {
        lock (db.UserWrites)
        {
            if (db.Users.FindById(id) is not { } user) return new UserChangeResult(UserChangeOutcome.NotFound);
            if (changes.Unseats(user, keptRole) && !AnotherHolds(id, keptRole)) return new UserChangeResult(UserChangeOutcome.LastHolder);
            db.Users.Update(changes.ApplyTo(user));
            return new UserChangeResult(UserChangeOutcome.Changed, user);
        }
    });

    public Task<UserChangeOutcome> TryDeleteAsync(string id, string keptRole, CancellationToken ct) => db.Write(() =>
    {
        lock (db.UserWrites)
        {
            if (db.Users.FindById(id) is not { } user) return UserChangeOutcome.NotFound;
            if (UserChanges.IsEnabledHolder(user, keptRole) && !AnotherHolds(id, keptRole)) return UserChangeOutcome.LastHolder;
            return db.Users.Delete(id) ? UserChangeOutcome.Changed : UserChangeOutcome.NotFound;
        }
    });

    public Task<bool> AnyEnabledWithRoleAsync(string role, CancellationToken ct) => db.Read(() => AnotherHolds("", role));

    bool AnotherHolds(string id, string role) =>
        db.Users.Query().Where("$.Roles[*] ANY = @0", role).ToEnumerable().Any(u => u.Id != id && UserChanges.IsEnabledHolder(u, role));

    public Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken ct) =>
        Change(id, user => { user.LastLoginAt = at; return true; });
}
