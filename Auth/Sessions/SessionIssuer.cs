using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Sessions;

// The session rules: start on login, rotate on restore, honour the grace, treat reuse as theft.
public sealed class SessionIssuer(ISessionStore sessions, RecentUsers users, TokenService tokens, IOptions<TokenOptions> options)
{
    readonly TokenOptions _options = options.Value;

    // amr: how the user proved who they are (AuthenticationMethods), in every access token of the session.
    public async Task<IssuedTokens> StartAsync(UserRecord user, ClientInfo client, IReadOnlyList<string> amr, DateTimeOffset now,
        CancellationToken ct)
    {
        var session = new SessionRecord
        {
            Id = TokenService.NewId(),
            UserId = user.Id,
            CurrentJti = TokenService.NewId(),
            CurrentIssuedAt = now,
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = ExpiryAt(now, createdAt: now),
            IpAddress = client.IpAddress,
            UserAgent = client.UserAgent,
            Amr = [.. amr],
        };
        await sessions.CreateAsync(session, ct);
        return Issue(user, session, now);
    }

    // A user keeps at most MaxSessionsPerUser live sessions: once a new one counts, the oldest
    // end, so no account can pile up sessions that every listing and revoke-all must walk.
    // Returns how many ended.
    public async Task<int> EndOldestBeyondCapAsync(string userId, DateTimeOffset now, CancellationToken ct)
    {
        var live = (await sessions.ListForUserAsync(userId, ct)).Where(s => s.IsActiveAt(now)).ToList();
        var ended = 0;
        foreach (var oldest in live.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal)
                     .Skip(_options.MaxSessionsPerUser))
            if (await sessions.RevokeAsync(oldest.Id, RevocationReasons.RevokedByUser, now, ct)) ended++;
        return ended;
    }

    // Sliding, but never past the session's absolute lifetime.
    DateTimeOffset ExpiryAt(DateTimeOffset now, DateTimeOffset createdAt)
    {
        var sliding = now + _options.RefreshTokenLifetime;
        var cap = createdAt + _options.MaxSessionLifetime;
        return sliding < cap ? sliding : cap;
    }

    public async Task<RestoreResult> RestoreAsync(string refreshToken, DateTimeOffset now, CancellationToken ct)
    {
        if (await tokens.ValidateRefreshTokenAsync(refreshToken) is not { } presented)
            return new RestoreResult(null, "The refresh token is invalid or has expired.");

        var session = await sessions.FindAsync(presented.SessionId, ct);
        if (EndOf(session, presented.UserId, now) is { } ended) return Failed(ended) with { Presented = presented };

        if (presented.Jti == session!.CurrentJti)
        {
            var rotation = new SessionRotation(TokenService.NewId(), now, ExpiryAt(now, session.CreatedAt));
            if (await sessions.TryRotateAsync(session.Id, presented.Jti, rotation, ct))
            {
                // Issued from the state this call wrote, not re-read: no extra read, and never a
                // later rotation's token.
                session.Apply(rotation);
                return await IssueForAsync(session, now, ct);
            }

            // Another caller rotated this very token a moment ago: the grace rule below decides.
            session = await sessions.FindAsync(presented.SessionId, ct);
            if (EndOf(session, presented.UserId, now) is { } endedMeanwhile) return Failed(endedMeanwhile) with { Presented = presented };
        }

        if (presented.Jti == session!.PreviousJti && now <= session.PreviousReplacedAt + _options.RefreshReuseGrace)
            return await IssueForAsync(session, now, ct);

        // An older token came back: someone holds a copy. End the session and its newest token with it.
        await sessions.RevokeAsync(session.Id, RevocationReasons.ReuseDetected, now, ct);
        return Failed(SessionEnd.Ended(RevocationReasons.ReuseDetected)) with { Presented = presented, ReuseDetected = true };
    }

    // Ends a session whose tokens were never handed out: the login that started it was undone.
    public Task AbandonAsync(IssuedTokens issued, string reason, DateTimeOffset now, CancellationToken ct) =>
        sessions.RevokeAsync(issued.SessionId, reason, now, ct);

    // Ends the session named by a refresh or access token. Anything unverifiable is ignored:
    // logout stays idempotent and nobody ends a session they cannot prove is theirs. Returns the
    // token whose session this call ended, if any.
    public async Task<ValidatedToken?> EndAsync(string token, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var validated = await tokens.ValidateRefreshTokenAsync(token) ?? await tokens.ValidateAccessTokenAsync(token);
        if (validated is null) return null;
        var session = await sessions.FindAsync(validated.SessionId, ct);
        return session?.UserId == validated.UserId && await sessions.RevokeAsync(session.Id, reason, now, ct) ? validated : null;
    }

    // Null while the session behind an access token is alive; otherwise why it is not.
    public async Task<SessionEnd?> CheckAccessAsync(string sessionId, string userId, SessionCheckpoint checkpoint, DateTimeOffset now, CancellationToken ct) =>
        EndOf(await sessions.FindForAccessCheckAsync(sessionId, checkpoint, ct), userId, now);

    SessionEnd? EndOf(SessionRecord? session, string userId, DateTimeOffset now) =>
        SessionEnd.Of(session, userId, now, _options.MaxSessionLifetime);

    // The session is known alive here (checked above); the account may have gone or been
    // disabled meanwhile (a disable ends every session, but a login racing it may have made one).
    async Task<RestoreResult> IssueForAsync(SessionRecord session, DateTimeOffset now, CancellationToken ct)
    {
        if (await users.FindAsync(session.UserId, ct) is not { } user)
            return Failed(new SessionEnd(SessionEnd.AccountDeleted, "The account no longer exists."));
        if (!user.Disabled) return new RestoreResult(Issue(user, session, now), null);
        await sessions.RevokeAsync(session.Id, RevocationReasons.AccountDisabled, now, ct);
        return Failed(SessionEnd.Ended(RevocationReasons.AccountDisabled));
    }

    // The access token lives its lifetime, but never past its session (a resource service that
    // only checks exp must not outlive the session's absolute lifetime).
    IssuedTokens Issue(UserRecord user, SessionRecord session, DateTimeOffset now)
    {
        var accessExpires = now + _options.AccessTokenLifetime;
        if (accessExpires > session.ExpiresAt) accessExpires = session.ExpiresAt;
        return new IssuedTokens(
            tokens.CreateAccessToken(user, session.Id, AuthenticationMethods.Of(session), now, accessExpires),
            tokens.CreateRefreshToken(session),
            session.ExpiresAt,
            (int)(accessExpires - now).TotalSeconds)
        {
            UserId = user.Id,
            SessionId = session.Id,
        };
    }

    static RestoreResult Failed(SessionEnd ended) => new(null, ended.Detail) { Ended = ended };
}
