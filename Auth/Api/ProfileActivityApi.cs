using System.Security.Claims;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// The caller's own security events (ActivityEvents says which), newest first, paged as /admin/audit.
public static class ProfileActivityApi
{
    public static RouteGroupBuilder MapProfileActivityApi(this IEndpointRouteBuilder app)
    {
        var profile = app.MapGroup("/profile").WithTags("Profile").RequireAuthorization().DisallowCaching();
        profile.MapGet("/activity", ListActivity).WithName("listActivity");
        return profile;
    }

    static async Task<Results<Ok<AuditPageResponse>, ValidationProblem>> ListActivity(
        string? type, string? before, string? limit, ClaimsPrincipal principal, IAuditStore audit, AuditWriter writer, HttpContext http,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var caller = Caller.From(principal, http);
        if (AuditPages.Read(caller.UserId, type, ActivityEvents.Types, before, limit, errors) is not { } query)
            return Problems.Invalid(errors);
        return TypedResults.Ok(await AuditPages.PageAsync(writer, audit, query, ActivityEvents.ForOwner, ct));
    }
}
