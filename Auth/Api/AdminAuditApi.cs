using MiniAuth.Auth.Admin;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// The stored audit trail, for accounts with role "admin" in the store: every event, of every user.
public static class AdminAuditApi
{
    public static RouteGroupBuilder MapAdminAuditApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Admin").RequireAuthorization(AdminRole.Policy).DisallowCaching();
        admin.MapGet("/audit", ListAudit).WithName("listAudit");
        return admin;
    }

    static async Task<Results<Ok<AuditPageResponse>, ValidationProblem>> ListAudit(
        string? userId, string? type, string? before, string? limit, IAuditStore audit, AuditWriter writer, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (AuditPages.Read(userId, type, null, before, limit, errors) is not { } query) return Problems.Invalid(errors);
        return TypedResults.Ok(await AuditPages.PageAsync(writer, audit, query, record => record, ct));
    }
}
