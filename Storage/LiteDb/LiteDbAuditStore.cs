using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// The trail in groups of events (AuditEventGroup); pages are put together newest first here.
public sealed class LiteDbAuditStore(LiteDbContext db) : IAuditStore
{
    static readonly Comparer<string> NewestFirstOrder = Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a));

    // Inserted in one transaction; a batch retried after a write that did land (a duplicate id)
    // makes the same groups, which are upserted instead, so it is stored once. Insert first: an
    // upsert looks every id up.
    public Task AddAsync(IReadOnlyList<AuditEventRecord> events, CancellationToken ct) => db.Write(() =>
    {
        var groups = AuditEventGroup.Of(events);
        if (groups.Count == 0) return;
        try { db.AuditGroups.InsertBulk(groups, groups.Count); }
        catch (LiteException e) when (e.ErrorCode == LiteException.INDEX_DUPLICATE_KEY) { db.AuditGroups.Upsert(groups); }
    });

    public Task<IReadOnlyList<AuditEventRecord>> ListAsync(AuditQuery query, CancellationToken ct) => db.Read<IReadOnlyList<AuditEventRecord>>(() =>
    {
        var groups = db.AuditGroups.Query();
        // A group that begins before `before` may still hold later events: Matches leaves them out.
        if (query.Before is not null) groups = groups.Where(Query.LT("_id", query.Before));
        if (query.UserId is not null) groups = groups.Where(Query.EQ(nameof(AuditEventGroup.UserId), query.UserId));
        if (query.Types is not null) groups = groups.Where("$.Types[*] ANY IN @0", new BsonArray(query.Types.Select(type => new BsonValue(type))));
        return NewestFirst(groups.OrderByDescending(g => g.Id).ToEnumerable(), query);
    });

    // The groups come by their first event, newest first. Every event still unread is earlier than
    // the next group's first plus Span, so an event waiting at or past that goes on the page.
    static List<AuditEventRecord> NewestFirst(IEnumerable<AuditEventGroup> groups, AuditQuery query)
    {
        var page = new List<AuditEventRecord>(Math.Min(query.Limit, 1000));
        var waiting = new PriorityQueue<AuditEventRecord, string>(NewestFirstOrder);
        foreach (var group in groups)
        {
            var newerThanUnread = AuditEventGroup.IdFrom(AuditEventGroup.TicksOf(group.Id) + AuditEventGroup.Span.Ticks);
            while (page.Count < query.Limit && waiting.TryPeek(out _, out var id) && string.CompareOrdinal(id, newerThanUnread) >= 0)
                page.Add(waiting.Dequeue());
            if (page.Count == query.Limit) return page;
            foreach (var record in group.Events)
                if (Matches(record, query)) waiting.Enqueue(record, record.Id);
        }
        while (page.Count < query.Limit && waiting.TryDequeue(out var record, out _)) page.Add(record);
        return page;
    }

    // The group matched the user and holds one of the types; each of its events is checked here.
    static bool Matches(AuditEventRecord record, AuditQuery query) =>
        (query.Before is null || string.CompareOrdinal(record.Id, query.Before) < 0)
        && (query.Types is null || query.Types.Contains(record.Type, StringComparer.Ordinal));

    // A group that began before the cutoff loses its older events; what is left is stored again as
    // groups of its own (beginning after the cutoff, so never read again here). A step at a time,
    // each in one transaction, so no event is lost between a delete and its group's new insert.
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct) => db.Write(() =>
    {
        var before = AuditEventGroup.IdFrom(cutoff.UtcTicks);
        var deleted = 0;
        List<AuditEventGroup> older;
        while ((older = db.AuditGroups.Find(Query.LT("_id", before), limit: 100).ToList()).Count > 0)
            deleted += db.InTransaction(() =>
            {
                var kept = older.SelectMany(g => g.Events).Where(e => string.CompareOrdinal(e.Id, before) >= 0).ToList();
                db.AuditGroups.DeleteMany(Query.In("_id", older.Select(g => new BsonValue(g.Id))));
                if (kept.Count > 0) db.AuditGroups.InsertBulk(AuditEventGroup.Of(kept));
                return older.Sum(g => g.Events.Count) - kept.Count;
            });
        return deleted;
    });
}
