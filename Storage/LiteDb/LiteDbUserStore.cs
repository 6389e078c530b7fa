using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// LiteDB has no async API: each method does its synchronous work and returns a finished task.
public sealed class LiteDbUserStore(LiteDbContext db) : IUserStore
{
    public Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct) =>
        Task.FromResult<UserRecord?>(db.Users.FindById(id));

    public Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) =>
        Task.FromResult<UserRecord?>(db.Users.FindOne(Query.EQ(nameof(UserRecord.NormalizedEmail), normalizedEmail)));

    public Task<bool> TryCreateAsync(UserRecord user, CancellationToken ct)
    {
        try
        {
            db.Users.Insert(user);
            return Task.FromResult(true);
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    public Task UpdateNameAsync(string id, string? name, CancellationToken ct)
    {
        Change(id, user => { user.Name = name; return true; });
        return Task.CompletedTask;
    }

    public Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, CancellationToken ct) =>
        Task.FromResult(Change(id, user =>
        {
            if (user.PasswordHash != expectedHash) return false;
            user.PasswordHash = newHash;
            return true;
        }));

    public Task AddRoleAsync(string id, string role, CancellationToken ct)
    {
        Change(id, user =>
        {
            if (user.Roles.Contains(role)) return false;
            user.Roles.Add(role);
            return true;
        });
        return Task.CompletedTask;
    }

    public Task<bool> TryMarkEmailVerifiedAsync(string id, string expectedNormalizedEmail, CancellationToken ct) =>
        Task.FromResult(Change(id, user =>
        {
            if (user.NormalizedEmail != expectedNormalizedEmail) return false;
            user.EmailVerified = true;
            return true;
        }));

    // The unique index on NormalizedEmail refuses a taken address inside the update.
    public Task<bool> TryChangeEmailAsync(string id, string expectedNormalizedEmail, string newEmail, string newNormalizedEmail,
        CancellationToken ct)
    {
        try
        {
            return Task.FromResult(Change(id, user =>
            {
                if (user.NormalizedEmail != expectedNormalizedEmail) return false;
                (user.Email, user.NormalizedEmail, user.EmailVerified) = (newEmail, newNormalizedEmail, true);
                return true;
            }));
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    public Task<bool> DeleteAsync(string id, CancellationToken ct)
    {
        lock (db.UserWrites) return Task.FromResult(db.Users.Delete(id));
    }

    // LiteDB writes whole documents: every change of a user is read-modify-write under one lock.
    bool Change(string id, Func<UserRecord, bool> change)
    {
        lock (db.UserWrites)
        {
            var user = db.Users.FindById(id);
            return user is not null && change(user) && db.Users.Update(user);
        }
    }

    public Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<UserRecord>>(db.Users.FindAll().OrderBy(u => u.CreatedAt).ToList());
}
