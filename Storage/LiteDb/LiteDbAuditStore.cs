using LiteDB;

namespace MiniAuth.Storage.LiteDb;

public sealed class LiteDbAuditStore(LiteDbContext db) : IAuditStore
{
    // Upsert by Id: a batch retried after a write that did land is stored once.
    public Task AddAsync(IReadOnlyList<AuditEventRecord> events, CancellationToken ct) =>
        db.Write(() => db.AuditEvents.Upsert(events));

    public Task<IReadOnlyList<AuditEventRecord>> ListAsync(AuditQuery query, CancellationToken ct) => db.Read<IReadOnlyList<AuditEventRecord>>(() =>
    {
        var events = db.AuditEvents.Query();
        if (query.Before is not null) events = events.Where(Query.LT("_id", query.Before));
        if (query.UserId is not null) events = events.Where(Query.EQ(nameof(AuditEventRecord.UserId), query.UserId));
        if (query.Types is not null)
            events = events.Where(Query.In(nameof(AuditEventRecord.Type), query.Types.Select(type => new BsonValue(type))));
        return events.OrderByDescending(e => e.Id).Limit(query.Limit).ToList();
    });

    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        db.Write(() => db.AuditEvents.DeleteMany(Query.LT(nameof(AuditEventRecord.At), LiteDbContext.Serialize(cutoff))));
}
