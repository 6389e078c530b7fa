using System.Globalization;
using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// LiteDB has no async API: each method does its synchronous work and returns a finished task.
// The session rules are SessionRecord's; the lock makes each read-compare-write one step.
public sealed class LiteDbSessionStore(LiteDbContext db) : ISessionStore, ISessionCounter
{
    public Task CreateAsync(SessionRecord session, CancellationToken ct)
    {
        db.Sessions.Insert(session);
        return Task.CompletedTask;
    }

    public Task<SessionRecord?> FindAsync(string id, CancellationToken ct) =>
        Task.FromResult<SessionRecord?>(db.Sessions.FindById(id));

    public Task<bool> TryRotateAsync(string id, string expectedJti, SessionRotation rotation, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            var session = db.Sessions.FindById(id);
            if (session is null || !session.CanRotateFrom(expectedJti)) return Task.FromResult(false);
            session.Apply(rotation);
            return Task.FromResult(db.Sessions.Update(session));
        }
    }

    public Task<bool> RevokeAsync(string id, string reason, DateTimeOffset now, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            var session = db.Sessions.FindById(id);
            return Task.FromResult(session is not null && session.TryRevoke(reason, now) && Revoked([session]) == 1);
        }
    }

    public Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            var revoked = db.Sessions.Find(Query.EQ(nameof(SessionRecord.UserId), userId))
                .Where(s => s.Id != exceptSessionId)
                .ToList()
                .Where(s => s.TryRevoke(reason, now))
                .ToList();
            return Task.FromResult(Revoked(revoked));
        }
    }

    // Writes the revoked sessions and their feed entries in one transaction (under SessionWrites):
    // a revocation is in the feed exactly when it is in the store.
    int Revoked(IReadOnlyList<SessionRecord> sessions)
    {
        if (sessions.Count == 0) return 0;
        db.Database.BeginTrans();
        try
        {
            var updated = sessions.Count(s => db.Sessions.Update(s));
            db.RevokedSessions.InsertBulk(sessions.Select(s => new RevokedSessionRecord { SessionId = s.Id, RevokedAt = s.RevokedAt!.Value }));
            db.Database.Commit();
            return updated;
        }
        catch
        {
            db.Database.Rollback();
            throw;
        }
    }

    public Task<RevokedSessionsPage?> ListRevokedAsync(string? after, DateTimeOffset revokedSince, int limit, CancellationToken ct)
    {
        long from = 0;
        if (after is not null && !long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from))
            return Task.FromResult<RevokedSessionsPage?>(null);
        var last = db.RevokedSessions.Find(Query.All(Query.Descending), limit: 1).FirstOrDefault()?.Id ?? 0;
        if (from > last) from = 0;
        // The primary index seeks to the cursor: a poll with nothing new reads nothing.
        var read = db.RevokedSessions.Find(Query.GT("_id", from), limit: limit + 1).ToList();
        var page = read.Take(limit).ToList();
        var cursor = page.Count > 0 ? page[^1].Id : Math.Max(from, last);
        var ids = page.Where(r => r.RevokedAt >= revokedSince).Select(r => r.SessionId).ToList();
        return Task.FromResult<RevokedSessionsPage?>(new RevokedSessionsPage(ids, cursor.ToString(CultureInfo.InvariantCulture), read.Count > limit));
    }

    public Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SessionRecord>>(
            db.Sessions.Find(Query.EQ(nameof(SessionRecord.UserId), userId)).ToList());

    public Task<int> DeleteEndedAsync(DateTimeOffset endedBefore, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            // A missing RevokedAt reads as null, which BSON orders below every number: exclude it first.
            var ended = Query.Or(
                Query.LT(nameof(SessionRecord.ExpiresAt), LiteDbContext.Serialize(endedBefore)),
                Query.And(
                    Query.Not(nameof(SessionRecord.RevokedAt), BsonValue.Null),
                    Query.LT(nameof(SessionRecord.RevokedAt), LiteDbContext.Serialize(endedBefore))));
            var newest = db.RevokedSessions.Find(Query.All(Query.Descending), limit: 1).FirstOrDefault()?.Id ?? 0;
            db.RevokedSessions.DeleteMany(Query.And(
                Query.LT(nameof(RevokedSessionRecord.RevokedAt), LiteDbContext.Serialize(endedBefore)),
                Query.LT("_id", newest)));
            return Task.FromResult(db.Sessions.DeleteMany(ended));
        }
    }

    // Walks the ExpiresAt index from now on; a missing RevokedAt reads as null.
    public Task<long> CountActiveAsync(DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(db.Sessions.LongCount(Query.And(
            Query.GTE(nameof(SessionRecord.ExpiresAt), LiteDbContext.Serialize(now)),
            Query.EQ(nameof(SessionRecord.RevokedAt), BsonValue.Null))));
}
