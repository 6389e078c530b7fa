using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// LiteDB has no async API: each method does its synchronous work and returns a finished task.
// The unique index on CredentialId decides between two registrations of one credential.
public sealed class LiteDbPasskeyStore(LiteDbContext db) : IPasskeyStore
{
    public Task<bool> TryAddAsync(PasskeyRecord passkey, CancellationToken ct)
    {
        try
        {
            db.Passkeys.Insert(passkey);
            return Task.FromResult(true);
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return Task.FromResult(false);
        }
    }

    public Task<PasskeyRecord?> FindByCredentialIdAsync(string credentialId, CancellationToken ct) =>
        Task.FromResult<PasskeyRecord?>(db.Passkeys.FindOne(Query.EQ(nameof(PasskeyRecord.CredentialId), credentialId)));

    public Task<IReadOnlyList<PasskeyRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<PasskeyRecord>>(db.Passkeys.Find(Query.EQ(nameof(PasskeyRecord.UserId), userId)).ToList());

    public Task<bool> DeleteAsync(string userId, string id, CancellationToken ct) =>
        Task.FromResult(db.Passkeys.DeleteMany(Query.And(
            Query.EQ("_id", id), Query.EQ(nameof(PasskeyRecord.UserId), userId))) == 1);

    public Task<int> DeleteForUserAsync(string userId, CancellationToken ct) =>
        Task.FromResult(db.Passkeys.DeleteMany(Query.EQ(nameof(PasskeyRecord.UserId), userId)));

    public Task<bool> TryRecordUseAsync(string id, long expectedSignCount, long newSignCount, DateTimeOffset at, CancellationToken ct)
    {
        lock (db.PasskeyWrites)
        {
            var passkey = db.Passkeys.FindById(id);
            if (passkey is null || passkey.SignCount != expectedSignCount) return Task.FromResult(false);
            passkey.SignCount = newSignCount;
            passkey.LastUsedAt = at;
            return Task.FromResult(db.Passkeys.Update(passkey));
        }
    }
}
