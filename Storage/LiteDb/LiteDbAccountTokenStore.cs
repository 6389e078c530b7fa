using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// The lock makes a take (read, check, delete) one step, so a token is redeemed once.
public sealed class LiteDbAccountTokenStore(LiteDbContext db) : IAccountTokenStore
{
    public Task AddAsync(AccountTokenRecord token, CancellationToken ct) => db.Write(() =>
    {
        lock (db.AccountTokenWrites) db.AccountTokens.Insert(token);
    });

    public Task<AccountTokenRecord?> TakeAsync(string tokenHash, string kind, DateTimeOffset now, CancellationToken ct) => db.Write(() =>
    {
        lock (db.AccountTokenWrites)
        {
            var token = db.AccountTokens.FindById(tokenHash);
            if (token is null || token.Kind != kind || token.ExpiresAt < now) return null;
            return db.AccountTokens.Delete(tokenHash) ? token : null;
        }
    });

    public Task<int> DeleteForUserAsync(string userId, string? kind, CancellationToken ct) => db.Write(() =>
    {
        var ofUser = Query.EQ(nameof(AccountTokenRecord.UserId), userId);
        lock (db.AccountTokenWrites)
            return db.AccountTokens.DeleteMany(kind is null ? ofUser : Query.And(ofUser, Query.EQ(nameof(AccountTokenRecord.Kind), kind)));
    });

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct) => db.Write(() =>
    {
        lock (db.AccountTokenWrites)
            return db.AccountTokens.DeleteMany(Query.LT(nameof(AccountTokenRecord.ExpiresAt), LiteDbContext.Serialize(now)));
    });
}
