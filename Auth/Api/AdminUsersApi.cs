using System.Security.Claims;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Admin;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Passkeys;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// The admin's handlers for accounts (routes in AdminApi). Two rules guard the admins themselves:
// the last enabled admin cannot be demoted, disabled or deleted (409 last_admin, decided in the
// store under one lock), and an admin cannot disable or delete their own account (409
// cannot_change_self), so nobody locks themselves out by a slip. Dropping one's own admin role
// is allowed while another admin remains.
public static class AdminUsersApi
{
    const int DefaultLimit = 50, MaxLimit = 100, MaxQueryLength = 254;

    // Oldest first, by (createdAt, id): accounts created while an admin pages come at the end, so
    // a walk from the first page to the last sees every account exactly once.
    internal static async Task<Results<Ok<UserListResponse>, ValidationProblem>> ListUsers(
        string? query, string? cursor, int? limit, ClaimsPrincipal principal, IUserStore users, AuditTrail audit,
        HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) errors["limit"] = [$"The limit is 1 to {MaxLimit}."];
        var after = string.IsNullOrEmpty(cursor) ? null : UserCursor.TryRead(cursor);
        if (!string.IsNullOrEmpty(cursor) && after is null) errors["cursor"] = ["The cursor is not one this service gave out."];
        var search = string.IsNullOrWhiteSpace(query) ? null : UnicodeText.TryNormalize(query.Trim())?.ToUpperInvariant();
        if (!string.IsNullOrWhiteSpace(query) && (search is null || search.Length > MaxQueryLength || search.Any(char.IsControl)))
            errors["query"] = [$"The query is well-formed text of at most {MaxQueryLength} characters."];
        if (errors.Count > 0) return Problems.Invalid(errors);

        // One more than asked tells whether a next page exists.
        var page = await users.ListPageAsync(search, after, take + 1, ct);
        var items = page.Take(take).ToList();
        var caller = Caller.From(principal, http);
        audit.AdminListedUsers(caller.UserId, caller.SessionId, caller.IpAddress, items.Count, search is not null);
        return TypedResults.Ok(new UserListResponse(
            items.Select(AdminUserResponse.From).ToList(), page.Count > take ? UserCursor.Of(items[^1]) : null));
    }

    internal static async Task<Results<Ok<AdminUserResponse>, ProblemHttpResult>> GetUser(
        string userId, ClaimsPrincipal principal, IUserStore users, AuditTrail audit, HttpContext http, CancellationToken ct)
    {
        if (await users.FindByIdAsync(userId, ct) is not { } user) return Problems.UserNotFound();
        var caller = Caller.From(principal, http);
        audit.AdminViewedUser(caller.UserId, caller.SessionId, caller.IpAddress, userId);
        return TypedResults.Ok(AdminUserResponse.From(user));
    }

    // Each field is optional; name "" clears it. Disabling ends every session at once
    // (account_disabled), so the user's access tokens stop working on the next request; a role
    // change shows in the next access token (at the next restore).
    internal static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> UpdateUser(
        string userId, UpdateUserRequest request, ClaimsPrincipal principal, IUserStore users, ISessionStore sessions,
        AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckRoles(request.Roles, errors);
        InputRules.CheckName(request.Name, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caller = Caller.From(principal, http);
        if (request.Disabled == true && userId == caller.UserId)
            return Refused(audit, caller, "updateUser", userId, Problems.CannotChangeSelf());
        var changes = new UserChanges(request.Disabled, request.Roles?.Select(r => r!).ToList(),
            request.Name is not null, string.IsNullOrEmpty(request.Name) ? null : request.Name);
        var result = await users.TryChangeAsync(userId, changes, AdminRole.Name, ct);
        if (result.Outcome == UserChangeOutcome.NotFound) return Problems.UserNotFound();
        if (result.Outcome == UserChangeOutcome.LastHolder) return Refused(audit, caller, "updateUser", userId, Problems.LastAdmin());

        var ended = request.Disabled == true
            ? await sessions.RevokeAllForUserAsync(userId, RevocationReasons.AccountDisabled, time.GetUtcNow(), null, ct)
            : 0;
        audit.AdminUpdatedUser(caller.UserId, caller.SessionId, caller.IpAddress, userId, Describe(request, result.User!), ended);
        return TypedResults.Ok(AdminUserResponse.From(result.User!));
    }

    // The account goes first (refused for the last admin), then its sessions (account_deleted)
    // and its one-time tokens: a login racing this finds the account gone when it re-reads it.
    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteUser(
        string userId, ClaimsPrincipal principal, IUserStore users, ISessionStore sessions, AccountTokens tokens,
        PasskeyRemoval passkeys, AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        if (userId == caller.UserId) return Refused(audit, caller, "deleteUser", userId, Problems.CannotChangeSelf());
        var outcome = await users.TryDeleteAsync(userId, AdminRole.Name, ct);
        if (outcome == UserChangeOutcome.NotFound) return Problems.UserNotFound();
        if (outcome == UserChangeOutcome.LastHolder) return Refused(audit, caller, "deleteUser", userId, Problems.LastAdmin());

        var ended = await sessions.RevokeAllForUserAsync(userId, RevocationReasons.AccountDeleted, time.GetUtcNow(), null, ct);
        await tokens.DeleteAsync(userId, null, ct);
        await passkeys.RemoveAllAsync(userId, ct);
        audit.AdminDeletedUser(caller.UserId, caller.SessionId, caller.IpAddress, userId, ended);
        return TypedResults.NoContent();
    }

    // The same one-time reset token a mail would carry, for the admin to pass on by other means;
    // it replaces the account's earlier reset links. A disabled account is 403 account_disabled,
    // as its reset would be.
    internal static async Task<Results<Created<PasswordResetLinkResponse>, ProblemHttpResult>> CreatePasswordResetLink(
        string userId, ClaimsPrincipal principal, IUserStore users, AccountTokens tokens, IOptions<TokenOptions> options,
        AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (await users.FindByIdAsync(userId, ct) is not { } user) return Problems.UserNotFound();
        if (user.Disabled) return Problems.AccountDisabled();
        var issued = await tokens.IssueAsync(user.Id, AccountTokenKinds.PasswordReset, user.NormalizedEmail, time.GetUtcNow(), ct);
        var caller = Caller.From(principal, http);
        audit.AdminCreatedResetLink(caller.UserId, caller.SessionId, caller.IpAddress, userId);
        return TypedResults.Created((string?)null,
            new PasswordResetLinkResponse(MailLinks.Reset(MailLinks.OriginOf(options.Value, http), issued.Token), issued.ExpiresAt));
    }

    static ProblemHttpResult Refused(AuditTrail audit, Caller caller, string operation, string userId, ProblemHttpResult problem)
    {
        audit.AdminChangeRefused(caller.UserId, caller.SessionId, caller.IpAddress, operation, userId,
            problem.ProblemDetails.Extensions[Problems.CodeKey] as string ?? "");
        return problem;
    }

    // Field names and the new flags and roles; never the name itself.
    static string Describe(UpdateUserRequest request, UserRecord user) => string.Join(' ', new[]
    {
        request.Disabled is null ? null : $"disabled={(user.Disabled ? "true" : "false")}",
        request.Roles is null ? null : $"roles={string.Join(',', user.Roles)}",
        request.Name is null ? null : "name",
    }.Where(part => part is not null).DefaultIfEmpty("nothing"));
}
