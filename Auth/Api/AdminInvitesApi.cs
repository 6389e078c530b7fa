using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Api;

// The admin's handler for signup invites (route in AdminApi; the rules in Invites and SignupControl).
public static class AdminInvitesApi
{
    // No body, or {}: an invite for anyone, without roles. A pinned email must be one signup
    // would take (the domain rule included), so the admin learns now, not the invitee later.
    internal static async Task<Results<Created<InviteResponse>, ValidationProblem>> CreateInvite(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] CreateInviteRequest? request,
        ClaimsPrincipal principal, Invites invites, IOptions<SignupOptions> signup, IOptions<TokenOptions> options,
        AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.Email is not null) InputRules.CheckEmail(request.Email, errors);
        var pinned = request?.Email is { } email && errors.Count == 0 ? InputRules.NormalizeEmail(email) : null;
        if (pinned is not null && !signup.Value.AllowsDomainOf(pinned))
            errors["email"] = ["This email's domain is not in MiniAuth:Signup:AllowedEmailDomains."];
        InputRules.CheckRoles(request?.Roles, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caller = Caller.From(principal, http);
        var roles = request?.Roles?.Select(r => r!).ToList() ?? [];
        var issued = await invites.IssueAsync(caller.UserId, pinned, roles, time.GetUtcNow(), ct);
        audit.AdminCreatedInvite(caller.UserId, caller.SessionId, caller.IpAddress, issued.Id, string.Join(",", roles), pinned is not null);
        return TypedResults.Created((string?)null,
            new InviteResponse(issued.Code, MailLinks.Invite(MailLinks.OriginOf(options.Value, http), issued.Code), issued.ExpiresAt));
    }
}
