using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// LiteDB has no async API: each method does its synchronous work and returns a finished task.
// The lock makes a take (read, check, delete) one step, so a token is redeemed once.
public sealed class LiteDbAccountTokenStore(LiteDbContext db) : IAccountTokenStore
{
    public Task AddAsync(AccountTokenRecord token, CancellationToken ct)
    {
        lock (db.AccountTokenWrites) db.AccountTokens.Insert(token);
        return Task.CompletedTask;
    }

    public Task<AccountTokenRecord?> TakeAsync(string tokenHash, string kind, DateTimeOffset now, CancellationToken ct)
    {
        lock (db.AccountTokenWrites)
        {
            var token = db.AccountTokens.FindById(tokenHash);
            if (token is null || token.Kind != kind || token.ExpiresAt < now) return Task.FromResult<AccountTokenRecord?>(null);
            return Task.FromResult(db.AccountTokens.Delete(tokenHash) ? token : null);
        }
    }

    public Task<int> DeleteForUserAsync(string userId, string? kind, CancellationToken ct)
    {
        var ofUser = Query.EQ(nameof(AccountTokenRecord.UserId), userId);
        lock (db.AccountTokenWrites)
            return Task.FromResult(db.AccountTokens.DeleteMany(kind is null ? ofUser : Query.And(ofUser, Query.EQ(nameof(AccountTokenRecord.Kind), kind))));
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        lock (db.AccountTokenWrites)
            return Task.FromResult(db.AccountTokens.DeleteMany(Query.LT(nameof(AccountTokenRecord.ExpiresAt), LiteDbContext.Serialize(now))));
    }
}
