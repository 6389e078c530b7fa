using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace MiniAuth.Auth.Bearer;

// JwtBearer's reason for a 401, kept for the problem detail (code, reason, detail); the challenge
// header stays the framework's: a bare "Bearer" without a token, error="invalid_token" with a bad one.
public sealed record AccessTokenFailure(string Code, string? Reason, string Detail)
{
    public static Task RememberForProblemDetails(JwtBearerChallengeContext context)
    {
        context.HttpContext.Items[typeof(AccessTokenFailure)] = context.AuthenticateFailure switch
        {
            null => new AccessTokenFailure("token_required", null, "An access token is required."),
            SessionEndedException ended => new AccessTokenFailure("session_ended", ended.Ended.Reason, ended.Ended.Detail),
            _ => new AccessTokenFailure("invalid_token", null, "The access token is invalid or has expired."),
        };
        return Task.CompletedTask;
    }

    public static AccessTokenFailure? Of(HttpContext http) => http.Items[typeof(AccessTokenFailure)] as AccessTokenFailure;
}
