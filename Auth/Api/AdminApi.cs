using System.Security.Claims;
using MiniAuth.Auth.Admin;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// Routes for accounts with role "admin" in the store (AdminRole.Policy, StoredAdminRole);
// anyone else gets 403. The users' handlers are in AdminUsersApi, the invites' in AdminInvitesApi.
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Admin").RequireAuthorization(AdminRole.Policy).DisallowCaching();
        admin.MapGet("/users", AdminUsersApi.ListUsers).WithName("listUsers");
        admin.MapGet("/users/{userId}", AdminUsersApi.GetUser).WithName("getUser");
        admin.MapPatch("/users/{userId}", AdminUsersApi.UpdateUser).WithName("updateUser");
        admin.MapDelete("/users/{userId}", AdminUsersApi.DeleteUser).WithName("deleteUser");
        admin.MapPost("/users/{userId}/password-reset", AdminUsersApi.CreatePasswordResetLink).WithName("createPasswordResetLink");
        admin.MapGet("/users/{userId}/sessions", ListUserSessions).WithName("listUserSessions");
        admin.MapDelete("/users/{userId}/sessions", ForceLogout).WithName("forceLogout");
        admin.MapDelete("/users/{userId}/mfa", MfaApi.ResetUserMfa).WithName("resetUserMfa");
        admin.MapPost("/invites", AdminInvitesApi.CreateInvite).WithName("createInvite");
        return admin;
    }

    static async Task<Results<Ok<List<SessionResponse>>, ProblemHttpResult>> ListUserSessions(
        string userId, ClaimsPrincipal principal, IUserStore users, ISessionStore sessions, AuditTrail audit,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (await users.FindByIdAsync(userId, ct) is null) return Problems.UserNotFound();
        var caller = Caller.From(principal, http);
        audit.AdminListedSessions(caller.UserId, caller.SessionId, caller.IpAddress, userId);
        // "current" is the admin's own session, when the admin lists their own account.
        return TypedResults.Ok(await SessionsApi.LiveSessionsAsync(sessions, userId, caller.SessionId, time.GetUtcNow(), ct));
    }

    // Cuts a user off everywhere at once: every session, so every refresh token and, on this
    // service's routes, every access token.
    static async Task<Results<NoContent, ProblemHttpResult>> ForceLogout(
        string userId, ClaimsPrincipal principal, IUserStore users, ISessionStore sessions, AuditTrail audit,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (await users.FindByIdAsync(userId, ct) is null) return Problems.UserNotFound();
        var caller = Caller.From(principal, http);
        var count = await sessions.RevokeAllForUserAsync(userId, RevocationReasons.ForcedByAdmin, time.GetUtcNow(), null, ct);
        audit.AdminForcedLogout(caller.UserId, caller.SessionId, caller.IpAddress, userId, count);
        return TypedResults.NoContent();
    }
}
