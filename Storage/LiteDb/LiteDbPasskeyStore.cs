using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// Every call goes through db.Read/db.Write (a full disk is a 503, the engine reopens).
// The unique index on CredentialId decides between two registrations of one credential.
public sealed class LiteDbPasskeyStore(LiteDbContext db) : IPasskeyStore
{
    public Task<bool> TryAddAsync(PasskeyRecord passkey, CancellationToken ct) => db.Write(() =>
    {
        try
        {
            db.Passkeys.Insert(passkey);
            return true;
        }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY)
        {
            return false;
        }
    });

    public Task<PasskeyRecord?> FindByCredentialIdAsync(string credentialId, CancellationToken ct) =>
        db.Read<PasskeyRecord?>(() => db.Passkeys.FindOne(Query.EQ(nameof(PasskeyRecord.CredentialId), credentialId)));

    public Task<IReadOnlyList<PasskeyRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        db.Read<IReadOnlyList<PasskeyRecord>>(() => db.Passkeys.Find(Query.EQ(nameof(PasskeyRecord.UserId), userId)).ToList());

    public Task<bool> DeleteAsync(string userId, string id, CancellationToken ct) =>
        db.Write(() => db.Passkeys.DeleteMany(Query.And(
            Query.EQ("_id", id), Query.EQ(nameof(PasskeyRecord.UserId), userId))) == 1);

    public Task<int> DeleteForUserAsync(string userId, CancellationToken ct) =>
        db.Write(() => db.Passkeys.DeleteMany(Query.EQ(nameof(PasskeyRecord.UserId), userId)));

    public Task<bool> TryRecordUseAsync(string id, long expectedSignCount, long newSignCount, DateTimeOffset at, CancellationToken ct) =>
        db.Write(() =>
        {
            lock (db.PasskeyWrites)
            {
                var passkey = db.Passkeys.FindById(id);
                if (passkey is null || passkey.SignCount != expectedSignCount) return false;
                passkey.SignCount = newSignCount;
                passkey.LastUsedAt = at;
                return db.Passkeys.Update(passkey);
            }
        });
}
