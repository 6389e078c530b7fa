using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// "admin" as the store has it now, not as the access token says: a token's roles are up to an
// AccessTokenLifetime old, and a demoted admin must lose the admin routes at once.
public sealed class StoredAdminRole : IAuthorizationRequirement;

public sealed class StoredAdminRoleHandler(IUserStore users) : AuthorizationHandler<StoredAdminRole>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, StoredAdminRole requirement)
    {
        if (context.User.FindFirstValue(JwtRegisteredClaimNames.Sub) is not { } userId) return;
        var ct = (context.Resource as HttpContext)?.RequestAborted ?? CancellationToken.None;
        if (await users.FindByIdAsync(userId, ct) is { } user && user.Roles.Contains(AdminRole.Name) && !user.Disabled)
            context.Succeed(requirement);
    }
}
