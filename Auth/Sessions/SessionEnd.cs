using MiniAuth.Storage;

namespace MiniAuth.Auth.Sessions;

// Why a session can no longer be used, as its 401 says: Reason is the contract's `reason` code
// (null when the record is gone and nobody knows), Detail a sentence for people.
public sealed record SessionEnd(string? Reason, string Detail)
{
    public const string Expired = "expired";
    public const string MaxLifetime = "max_lifetime";
    public const string AccountDeleted = "account_deleted";

    public static readonly SessionEnd Gone = new(null, "The session has ended.");
    // The token's user is no longer in the store.
    public static readonly SessionEnd AccountGone = new(AccountDeleted, "The account no longer exists.");
    static readonly SessionEnd MaxLifetimeReached = new(MaxLifetime, "The session reached its maximum lifetime; sign in again.");

    // Null while the session is alive for this user at now.
    public static SessionEnd? Of(SessionRecord? session, string userId, DateTimeOffset now, TimeSpan maxSessionLifetime) => session switch
    {
        null => Gone,
        _ when session.UserId != userId => Gone,
        { RevocationReason: { } reason } => Ended(RevocationReasons.Normalize(reason)),
        // The absolute cap, not the sliding expiry, is what ran out (also for a session made
        // before the cap existed, whose expiry slid past it).
        _ when now > session.CreatedAt + maxSessionLifetime
            || (!session.IsActiveAt(now) && session.ExpiresAt >= session.CreatedAt + maxSessionLifetime) => MaxLifetimeReached,
        _ when !session.IsActiveAt(now) => new(Expired, "The session has expired."),
        _ => null,
    };

    public static SessionEnd Ended(string reason) => new(reason, $"The session was ended: {Describe(reason)}.");

    static string Describe(string reason) => reason switch
    {
        RevocationReasons.RevokedByUser => "revoked by user",
        RevocationReasons.ForcedByAdmin => "forced by admin",
        RevocationReasons.ReuseDetected => "refresh token reuse detected",
        _ => reason.Replace('_', ' '),
    };
}
