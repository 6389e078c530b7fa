namespace MiniAuth.Storage;

// One page of the revoked-sessions feed: the ids of sessions revoked after a cursor, oldest first.
// Cursor names the last entry read (pass it back for what is new); More says the page was full.
public sealed record RevokedSessionsPage(IReadOnlyList<string> SessionIds, string Cursor, bool More);
