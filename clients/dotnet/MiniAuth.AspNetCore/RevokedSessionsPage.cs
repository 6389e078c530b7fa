namespace MiniAuth.AspNetCore;

// One answer of GET /.well-known/revoked-sessions.
internal sealed record RevokedSessionsPage(IReadOnlyList<string> Sids, string Cursor, int KeepSeconds, bool More);
