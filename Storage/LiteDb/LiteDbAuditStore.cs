using System.Globalization;
using LiteDB;

namespace MiniAuth.Storage.LiteDb;

public sealed class LiteDbAuditStore(LiteDbContext db) : IAuditStore
{
    // Inserted in one transaction; a batch retried after a write that did land (a duplicate id)
    // is upserted instead, so it is stored once. Insert first: an upsert looks every id up.
    public Task AddAsync(IReadOnlyList<AuditEventRecord> events, CancellationToken ct) => db.Write(() =>
    {
        try { db.AuditEvents.InsertBulk(events, events.Count); }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY) { db.AuditEvents.Upsert(events); }
    });

    public Task<IReadOnlyList<AuditEventRecord>> ListAsync(AuditQuery query, CancellationToken ct) => db.Read<IReadOnlyList<AuditEventRecord>>(() =>
    {
        var events = db.AuditEvents.Query();
        if (query.Before is not null) events = events.Where(Query.LT("_id", query.Before));
        if (query.UserId is not null) events = events.Where(Query.EQ(nameof(AuditEventRecord.UserId), query.UserId));
        if (query.Types is not null)
            events = events.Where(Query.In(nameof(AuditEventRecord.Type), query.Types.Select(type => new BsonValue(type))));
        return events.OrderByDescending(e => e.Id).Limit(query.Limit).ToList();
    });

    // Through the primary index: an id begins with its event's UTC ticks in 16 hex digits (never
    // fewer than At's), so no index on At is kept up on every insert.
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        db.Write(() => db.AuditEvents.DeleteMany(Query.LT("_id", cutoff.UtcTicks.ToString("x16", CultureInfo.InvariantCulture))));
}
