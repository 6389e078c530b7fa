namespace MiniAuth.Storage;

// The failed logins of one key in its current window.
public sealed record LoginFailures(int Count, DateTimeOffset WindowEndsAt);
