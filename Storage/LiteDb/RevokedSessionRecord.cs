namespace MiniAuth.Storage.LiteDb;

// One entry of the revoked-sessions feed. Id is LiteDB's auto-increment, given under the session
// lock, so the feed's order is the order revocations were written and a cursor never skips one.
public sealed class RevokedSessionRecord
{
    public long Id { get; set; }
    public string SessionId { get; set; } = "";
    public DateTimeOffset RevokedAt { get; set; }
}
