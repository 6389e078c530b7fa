namespace MiniAuth.Auth.Api;

// Every failure of the endpoints, in one place, as application/problem+json.
public static class Problems
{
    public static ProblemHttpResult InvalidCredentials() => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Invalid credentials",
        detail: "The email or password is incorrect.");

    public static ProblemHttpResult RefreshRefused(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Refresh refused",
        detail: detail);

    public static ProblemHttpResult SessionEnded(string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Session ended",
        detail: detail);

    public static ProblemHttpResult EmailTaken() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Email already registered",
        detail: "An account with this email already exists.");

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        title: "Invalid request",
        detail: "One or more fields are invalid; see errors.");

    // 429 with Retry-After in whole seconds, rounded up so a client that waits that long is let in.
    public static ProblemHttpResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many attempts",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["retryAfter"] = seconds });
    }

    public static ProblemHttpResult TooManyFailedLogins(HttpContext http, TimeSpan retryAfter) => TooManyRequests(
        http, retryAfter, "Too many failed attempts for this account from this client; wait for Retry-After seconds.");

    public static ProblemHttpResult TooManyAccountFailures(HttpContext http, TimeSpan retryAfter) => TooManyRequests(
        http, retryAfter, "Too many failed attempts for this account; wait for Retry-After seconds, or sign in from a device that has signed in to it before.");

    public static ProblemHttpResult ForeignOrigin() => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden,
        title: "Foreign origin",
        detail: "The refresh cookie is accepted only from this service's own pages and the origins in MiniAuth:Cors:AllowedOrigins.");

    public static ProblemHttpResult StoreUnavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Storage unavailable",
            detail: "A store server does not answer; try again shortly.");
    }

    public static ProblemHttpResult PasswordChangedMeanwhile() => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "Password changed meanwhile",
        detail: "The password was changed by another request while this one ran; nothing was changed here.");

    public static ProblemHttpResult SessionNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Session not found",
        detail: "The caller has no session with this id.");

    public static ProblemHttpResult UserNotFound() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "User not found",
        detail: "There is no user with this id.");
}
