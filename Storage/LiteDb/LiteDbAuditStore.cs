using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// LiteDB has no async API: each method does its synchronous work and returns a finished task.
public sealed class LiteDbAuditStore(LiteDbContext db) : IAuditStore
{
    public Task AddAsync(IReadOnlyList<AuditEventRecord> events, CancellationToken ct)
    {
        // Upsert by Id: a batch retried after a write that did land is stored once.
        db.AuditEvents.Upsert(events);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEventRecord>> ListAsync(AuditQuery query, CancellationToken ct)
    {
        var events = db.AuditEvents.Query();
        if (query.Before is not null) events = events.Where(Query.LT("_id", query.Before));
        if (query.UserId is not null) events = events.Where(Query.EQ(nameof(AuditEventRecord.UserId), query.UserId));
        if (query.Types is not null)
            events = events.Where(Query.In(nameof(AuditEventRecord.Type), query.Types.Select(type => new BsonValue(type))));
        return Task.FromResult<IReadOnlyList<AuditEventRecord>>(
            events.OrderByDescending(e => e.Id).Limit(query.Limit).ToList());
    }

    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        Task.FromResult(db.AuditEvents.DeleteMany(Query.LT(nameof(AuditEventRecord.At), LiteDbContext.Serialize(cutoff))));
}
