using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// LiteDB has no async API: each method does its synchronous work and returns a finished task.
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

    public Task ClearAsync(string key, CancellationToken ct)
    {
        db.LoginFailures.Delete(key);
        return Task.CompletedTask;
    }

    public Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(db.LoginFailures.DeleteMany(Query.LTE(nameof(LoginFailureRecord.WindowEndsAt), LiteDbContext.Serialize(now))));
}
