namespace MiniAuth.Storage;

public sealed class SessionRecord
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    // The one refresh token of the session that may be used now.
    public string CurrentJti { get; set; } = "";
    public DateTimeOffset CurrentIssuedAt { get; set; }
    // The token that CurrentJti replaced, honoured for RefreshReuseGrace after PreviousReplacedAt.
    public string? PreviousJti { get; set; }
    public DateTimeOffset? PreviousReplacedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevocationReason { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    // How the user signed in (RFC 8176 amr values), carried into every access token of the
    // session. Null in sessions stored before it was kept: those were password logins.
    public List<string>? Amr { get; set; }

    // The UTC hour the session ends in: what LiteDB's sweeper index holds (LiteDbSessionStore). A
    // rotation moves ExpiresAt, this at most once an hour, so a refresh seldom moves a node of an
    // index as big as the store (bench/README.md, round two). Read-only: nothing sets it.
    public long ExpiresHour => HourOf(ExpiresAt);

    public static long HourOf(DateTimeOffset at) => at.UtcTicks / TimeSpan.TicksPerHour;

    public SessionRecord Copy()
    {
        var copy = (SessionRecord)MemberwiseClone();
        copy.Amr = Amr is null ? null : [.. Amr];
        return copy;
    }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now <= ExpiresAt;

    // The session rules every store keeps, stated once here. Redis runs them as Lua scripts on the
    // server (Storage/Redis/RedisSessionScripts.cs), which must say the same; the backend suite
    // (tests/BackendSuiteTests.cs) pins both against one set of cases.
    //
    // Rotation, the compare-and-swap of a refresh: only a session not revoked whose current
    // token is expectedJti rotates, so two callers can never branch one session. (Expiry is
    // judged by the caller, which holds the clock.)
    public bool CanRotateFrom(string expectedJti) => RevokedAt is null && CurrentJti == expectedJti;

    // Revocation: a session ends once; its first reason is the one kept.
    public bool TryRevoke(string reason, DateTimeOffset now)
    {
        if (RevokedAt is not null) return false;
        RevokedAt = now;
        RevocationReason = reason;
        return true;
    }

    // The session after one successful rotation: the current token becomes the previous one.
    public void Apply(SessionRotation rotation)
    {
        PreviousJti = CurrentJti;
        PreviousReplacedAt = rotation.Now;
        CurrentJti = rotation.NewJti;
        CurrentIssuedAt = rotation.Now;
        LastUsedAt = rotation.Now;
        ExpiresAt = rotation.ExpiresAt;
    }
}

// The new state of a session after one successful rotation.
public sealed record SessionRotation(string NewJti, DateTimeOffset Now, DateTimeOffset ExpiresAt);
