using LiteDB;

namespace MiniAuth.Storage.LiteDb;

public sealed class LiteDbLoginFailureStore(LiteDbContext db) : ILoginFailureStore
{
    public Task<LoginFailures> RecordFailureAsync(string key, DateTimeOffset now, TimeSpan window, CancellationToken ct) => db.Write(() =>
    {
        lock (db.LoginFailureWrites)
        {
            var record = db.LoginFailures.FindById(key);
            if (record is null || record.WindowEndsAt <= now)
                record = new LoginFailureRecord { Id = key, Count = 0, WindowEndsAt = now + window };
            record.Count++;
            db.LoginFailures.Upsert(record);
            return new LoginFailures(record.Count, record.WindowEndsAt);
        }
    });

    public Task ClearAsync(string key, CancellationToken ct) => db.Write(() => db.LoginFailures.Delete(key));

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct) =>
        db.Write(() => db.LoginFailures.DeleteMany(Query.LTE(nameof(LoginFailureRecord.WindowEndsAt), LiteDbContext.Serialize(now))));
}
