namespace MiniAuth.Storage.LiteDb;

// The sessions this process last wrote, as it wrote them: a refresh or an authenticated request
// reads its session here instead of in a LiteDB transaction (a refresh 0.73x the CPU, bench/README.md).
// Exact, not a cache with a lifetime: only this process writes the file (StoreFileLock), every
// write goes through LiteDbSessionStore's gate, which forgets the session before writing it and
// keeps it again only once the write is in; a write that fails (and may or may not have landed)
// leaves it forgotten, read from the file next time. Readers never add to it. Copies go in and out.
internal sealed class KnownSessions
{
    public const int Capacity = 10_000;

    readonly ClearedWhenFull<SessionRecord> _sessions = new(Capacity);

    public SessionRecord? Find(string id) => _sessions.TryGetValue(id, out var session) ? session.Copy() : null;

    // Called under the gate, after the write.
    public void Keep(SessionRecord session) => _sessions.Set(session.Id, session.Copy());

    // Called under the gate, before the write.
    public void Forget(string id) => _sessions.Remove(id);
}
