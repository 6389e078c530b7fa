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
            return Task.FromResult(session is not null && session.TryRevoke(reason, now) && db.Sessions.Update(session));
        }
    }

    public Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct)
    {
        lock (db.SessionWrites)
        {
            var revoked = db.Sessions.Find(Query.EQ(nameof(SessionRecord.UserId), userId))
                .Where(s => s.Id != exceptSessionId)
                .ToList()
                .Count(s => s.TryRevoke(reason, now) && db.Sessions.Update(s));
            return Task.FromResult(revoked);
        }
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
            return Task.FromResult(db.Sessions.DeleteMany(ended));
        }
    }

    // Walks the ExpiresAt index from now on; a missing RevokedAt reads as null.
    public Task<long> CountActiveAsync(DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(db.Sessions.LongCount(Query.And(
            Query.GTE(nameof(SessionRecord.ExpiresAt), LiteDbContext.Serialize(now)),
            Query.EQ(nameof(SessionRecord.RevokedAt), BsonValue.Null))));
}
