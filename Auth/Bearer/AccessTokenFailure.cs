using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace MiniAuth.Auth.Bearer;

// Turns JwtBearer's reason for a 401 into the problem detail; the challenge header stays the
// framework's: a bare "Bearer" without a token, error="invalid_token" with a bad one.
public static class AccessTokenFailure
{
    public static Task RememberForProblemDetails(JwtBearerChallengeContext context)
    {
        context.HttpContext.Items[typeof(AccessTokenFailure)] = context.AuthenticateFailure switch
        {
            null => "An access token is required.",
            SessionEndedException ended => ended.Message,
            _ => "The access token is invalid or has expired.",
        };
        return Task.CompletedTask;
    }

    public static string? Describe(HttpContext http) => http.Items[typeof(AccessTokenFailure)] as string;
}
