namespace MiniAuth.Auth;

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
}
