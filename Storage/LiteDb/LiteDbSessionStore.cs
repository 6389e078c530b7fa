using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// The session rules are SessionRecord's; the lock makes each read-compare-write one step.
public sealed class LiteDbSessionStore(LiteDbContext db) : ISessionStore
{
    public Task CreateAsync(SessionRecord session, CancellationToken ct) => db.Write(() => db.Sessions.Insert(session));

    public Task<SessionRecord?> FindAsync(string id, CancellationToken ct) =>
        db.Read<SessionRecord?>(() => db.Sessions.FindById(id));

    public Task<bool> TryRotateAsync(string id, string expectedJti, SessionRotation rotation, CancellationToken ct) => db.Write(() =>
    {
        lock (db.SessionWrites)
        {
            var session = db.Sessions.FindById(id);
            if (session is null || !session.CanRotateFrom(expectedJti)) return false;
            session.Apply(rotation);
            return db.Sessions.Update(session);
        }
    });

    public Task<bool> RevokeAsync(string id, string reason, DateTimeOffset now, CancellationToken ct) => db.Write(() =>
    {
        lock (db.SessionWrites)
        {
            var session = db.Sessions.FindById(id);
            return session is not null && session.TryRevoke(reason, now) && db.Sessions.Update(session);
        }
    });

    public Task<int> RevokeAllForUserAsync(string userId, string reason, DateTimeOffset now, string? exceptSessionId, CancellationToken ct) =>
        db.Write(() =>
        {
            lock (db.SessionWrites)
            {
                return db.Sessions.Find(Query.EQ(nameof(SessionRecord.UserId), userId))
                    .Where(s => s.Id != exceptSessionId)
                    .ToList()
                    .Count(s => s.TryRevoke(reason, now) && db.Sessions.Update(s));
            }
        });

    public Task<IReadOnlyList<SessionRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        db.Read<IReadOnlyList<SessionRecord>>(() => db.Sessions.Find(Query.EQ(nameof(SessionRecord.UserId), userId)).ToList());

    public Task<int> DeleteEndedAsync(DateTimeOffset endedBefore, CancellationToken ct) => db.Write(() =>
    {
        lock (db.SessionWrites)
        {
            // A missing RevokedAt reads as null, which BSON orders below every number: exclude it first.
            var ended = Query.Or(
                Query.LT(nameof(SessionRecord.ExpiresAt), LiteDbContext.Serialize(endedBefore)),
                Query.And(
                    Query.Not(nameof(SessionRecord.RevokedAt), BsonValue.Null),
                    Query.LT(nameof(SessionRecord.RevokedAt), LiteDbContext.Serialize(endedBefore))));
            return db.Sessions.DeleteMany(ended);
        }
    });
}
