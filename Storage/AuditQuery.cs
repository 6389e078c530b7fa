namespace MiniAuth.Storage;

// A page of the trail, newest first: events of UserId (any user when null), of one of Types (any
// type when null), with an Id below Before (the Id of the previous page's last event), at most Limit.
public sealed record AuditQuery(string? UserId, IReadOnlyCollection<string>? Types, string? Before, int Limit);
