using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

public static class ProfileApi
{
    public static RouteGroupBuilder MapProfileApi(this IEndpointRouteBuilder app)
    {
        var profile = app.MapGroup("/profile").WithTags("Profile").RequireAuthorization();
        profile.MapGet("/", FetchProfile).WithName("fetchProfile");
        return profile;
    }

    static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> FetchProfile(
        ClaimsPrincipal principal, IUserStore users, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(JwtRegisteredClaimNames.Sub)!, ct);
        return user is null
            ? Problems.SessionEnded("The account no longer exists.")
            : TypedResults.Ok(ProfileResponse.From(user));
    }
}
