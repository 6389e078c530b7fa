using System.Security.Claims;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Browser;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// The caller's own sessions. Another user's session id answers 404 exactly like an unknown one:
// ids leak nothing.
public static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/sessions").WithTags("Sessions").RequireAuthorization().DisallowCaching();
        sessions.MapGet("/", ListSessions).WithName("listSessions");
        sessions.MapDelete("/{id}", RevokeSession).WithName("revokeSession");
        sessions.MapDelete("/", RevokeAllSessions).WithName("revokeAllSessions");
        return sessions;
    }

    static async Task<Ok<List<SessionResponse>>> ListSessions(
        ClaimsPrincipal principal, ISessionStore sessions, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        return TypedResults.Ok(await LiveSessionsAsync(sessions, caller.UserId, caller.SessionId, time.GetUtcNow(), ct));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> RevokeSession(
        string id, ClaimsPrincipal principal, ISessionStore sessions, AuditTrail audit, RefreshCookie cookie,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        var session = await sessions.FindAsync(id, ct);
        if (session is null || session.UserId != caller.UserId) return Problems.SessionNotFound();

        // Ending a session that has already ended changes nothing and is not an error.
        if (await sessions.RevokeAsync(session.Id, RevocationReasons.RevokedByUser, time.GetUtcNow(), ct))
            audit.SessionRevoked(caller.UserId, session.Id, caller.SessionId, caller.IpAddress);
        if (session.Id == caller.SessionId) cookie.Clear(http);
        return TypedResults.NoContent();
    }

    static async Task<NoContent> RevokeAllSessions(
        ClaimsPrincipal principal, ISessionStore sessions, AuditTrail audit, RefreshCookie cookie,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        var count = await sessions.RevokeAllForUserAsync(caller.UserId, RevocationReasons.RevokedByUser, time.GetUtcNow(), null, ct);
        audit.AllSessionsRevoked(caller.UserId, count, caller.SessionId, caller.IpAddress);
        cookie.Clear(http);
        return TypedResults.NoContent();
    }

    // The sessions that can still be used, most recently used first.
    internal static async Task<List<SessionResponse>> LiveSessionsAsync(
        ISessionStore sessions, string userId, string? currentSessionId, DateTimeOffset now, CancellationToken ct) =>
        (await sessions.ListForUserAsync(userId, ct))
            .Where(s => s.IsActiveAt(now))
            .OrderByDescending(s => s.LastUsedAt)
            .Select(s => SessionResponse.From(s, currentSessionId))
            .ToList();
}
