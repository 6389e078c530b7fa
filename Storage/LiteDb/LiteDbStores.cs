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

public sealed class LiteDbSessionStore(LiteDbContext db) : ISessionStore
{
    public Task CreateAsync(SessionRecord session, CancellationToken ct)
    {
        db.Sessions.Insert(session);
        return Task.CompletedTask;
    }

    public Task<SessionRecord?> FindAsync(string id, CancellationToken ct) =>
        Task.FromResult<SessionRecord?>(db.Sessions.FindById(id));

    public Task<bool> TryRotateAsync(string id, string expectedJti, SessionRotation rotation, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            var session = db.Sessions.FindById(id);
            if (session is null || session.RevokedAt is not null || session.CurrentJti != expectedJti)
                return Task.FromResult(false);

            session.Apply(rotation);
            return Task.FromResult(db.Sessions.Update(session));
        }
    }

    public Task<bool> RevokeAsync(string id, string reason, DateTimeOffset now, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            var session = db.Sessions.FindById(id);
            return Task.FromResult(session is { RevokedAt: null } && Revoke(session, reason, now));
        }
    }

    public Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            var revoked = db.Sessions.Find(Query.EQ(nameof(SessionRecord.UserId), userId))
                .Where(s => s.RevokedAt is null && s.Id != exceptSessionId)
                .ToList()
                .Count(s => Revoke(s, reason, now));
            return Task.FromResult(revoked);
        }
    }

    public Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SessionRecord>>(
            db.Sessions.Find(Query.EQ(nameof(SessionRecord.UserId), userId)).ToList());

    public Task<int> DeleteEndedAsync(DateTimeOffset endedBefore, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            // A missing RevokedAt reads as null, which BSON orders below every number: exclude it first.
            var ended = Query.Or(
                Query.LT(nameof(SessionRecord.ExpiresAt), LiteDbContext.Serialize(endedBefore)),
                Query.And(
                    Query.Not(nameof(SessionRecord.RevokedAt), BsonValue.Null),
                    Query.LT(nameof(SessionRecord.RevokedAt), LiteDbContext.Serialize(endedBefore))));
            return Task.FromResult(db.Sessions.DeleteMany(ended));
        }
    }

    bool Revoke(SessionRecord session, string reason, DateTimeOffset now)
    {
        session.RevokedAt = now;
        session.RevocationReason = reason;
        return db.Sessions.Update(session);
    }
}

public sealed class LiteDbSigningKeyStore(LiteDbContext db) : ISigningKeyStore
{
    public Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SigningKeyRecord>>(db.SigningKeys.FindAll().ToList());

    public Task AddAsync(SigningKeyRecord key, CancellationToken ct)
    {
        db.SigningKeys.Insert(key);
        return Task.CompletedTask;
    }

    public Task UpdateAsync(SigningKeyRecord key, CancellationToken ct)
    {
        db.SigningKeys.Update(key);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string id, CancellationToken ct)
    {
        db.SigningKeys.Delete(id);
        return Task.CompletedTask;
    }
}

public sealed class LiteDbLoginFailureStore(LiteDbContext db) : ILoginFailureStore
{
    public Task<LoginFailures> RecordFailureAsync(string key, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        lock (db.LoginFailureWrites)
        {
            var record = db.LoginFailures.FindById(key);
            if (record is null || record.WindowEndsAt <= now)
                record = new LoginFailureRecord { Id = key, Count = 0, WindowEndsAt = now + window };
            record.Count++;
            db.LoginFailures.Upsert(record);
            return Task.FromResult(new LoginFailures(record.Count, record.WindowEndsAt));
        }
    }

    public Task<LoginFailures?> FindAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        var record = db.LoginFailures.FindById(key);
        return Task.FromResult(record is null || record.WindowEndsAt <= now ? null : new LoginFailures(record.Count, record.WindowEndsAt));
    }

    public Task ClearAsync(string key, CancellationToken ct)
    {
        db.LoginFailures.Delete(key);
        return Task.CompletedTask;
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(db.LoginFailures.DeleteMany(Query.LTE(nameof(LoginFailureRecord.WindowEndsAt), LiteDbContext.Serialize(now))));
}
