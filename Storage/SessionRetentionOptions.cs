namespace MiniAuth.Storage;

// How long the stores keep a session after it ended (revoked or expired) before freeing it: the
// sweeper's cut-off, and the Redis TTL of a revoked session. Not a configuration key: the service
// sets it from its token rules (while an ended session's access tokens may still be presented).
public sealed class SessionRetentionOptions
{
    public TimeSpan EndedSessionKeep { get; set; } = TimeSpan.FromHours(1);
}
