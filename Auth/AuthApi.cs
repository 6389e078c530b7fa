using MiniAuth.Storage;

namespace MiniAuth.Auth;

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/signup", Signup).WithName("signup");
        auth.MapPost("/login", Login).WithName("login");
        auth.MapPost("/restoreAccessToken", RestoreAccessToken).WithName("restoreAccessToken");
        auth.MapPost("/logout", Logout).WithName("logout");
        return auth;
    }

    static async Task<Results<Created<ProfileResponse>, ValidationProblem, ProblemHttpResult>> Signup(
        SignupRequest request, IUserStore users, PasswordHasher hasher, PasswordPolicy policy,
        TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckEmail(request.Email, errors);
        InputRules.CheckName(request.Name, errors);
        policy.Check(request.Password, "password", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var now = time.GetUtcNow();
        var user = new UserRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Email = request.Email!.Trim(),
            NormalizedEmail = InputRules.NormalizeEmail(request.Email),
            Name = request.Name,
            PasswordHash = await hasher.HashAsync(request.Password!, ct),
            Roles = [],
            CreatedAt = now,
        };
        if (!await users.TryCreateAsync(user, ct)) return Problems.EmailTaken();
        return TypedResults.Created("/profile", ProfileResponse.From(user));
    }

    static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, IUserStore users, PasswordHasher hasher, SessionIssuer sessions,
        RefreshCookie cookie, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.Email, "email", errors);
        InputRules.CheckPresent(request.Password, "password", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        // Unknown email and wrong password look the same, in content and in time.
        var user = await users.FindByEmailAsync(InputRules.NormalizeEmail(request.Email!), ct);
        var check = await hasher.VerifyAsync(user?.PasswordHash, request.Password!, ct);
        if (user is null || check == PasswordCheck.Failed) return Problems.InvalidCredentials();

        if (check == PasswordCheck.SucceededNeedsRehash)
        {
            user.PasswordHash = await hasher.HashAsync(request.Password!, ct);
            await users.UpdateAsync(user, ct);
        }

        var now = time.GetUtcNow();
        var issued = await sessions.StartAsync(user, ClientInfo.From(http), now, ct);
        var inBody = request.RefreshTokenDelivery == RefreshTokenDelivery.Body;
        if (!inBody) cookie.Write(http, issued.RefreshToken, issued.RefreshExpiresAt, now);
        return TypedResults.Ok(Respond(issued, inBody));
    }

    // The refresh token comes from the cookie first, else from the Authorization header; it
    // goes back the way it came.
    static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RestoreAccessToken(
        SessionIssuer sessions, RefreshCookie cookie, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var fromCookie = cookie.Read(http);
        var refreshToken = fromCookie ?? BearerToken(http);
        if (refreshToken is null) return Problems.RefreshRefused("No refresh token was sent.");

        var now = time.GetUtcNow();
        var result = await sessions.RestoreAsync(refreshToken, now, ct);
        if (result.Tokens is not { } issued)
        {
            if (fromCookie is not null) cookie.Clear(http);
            return Problems.RefreshRefused(result.Failure!);
        }

        if (fromCookie is not null) cookie.Write(http, issued.RefreshToken, issued.RefreshExpiresAt, now);
        return TypedResults.Ok(Respond(issued, refreshInBody: fromCookie is null));
    }

    static async Task<NoContent> Logout(
        SessionIssuer sessions, RefreshCookie cookie, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if ((cookie.Read(http) ?? BearerToken(http)) is { } token)
            await sessions.EndAsync(token, RevocationReasons.Logout, time.GetUtcNow(), ct);
        cookie.Clear(http);
        return TypedResults.NoContent();
    }

    static TokenResponse Respond(IssuedTokens issued, bool refreshInBody) =>
        new(issued.AccessToken, "Bearer", issued.AccessExpiresIn, refreshInBody ? issued.RefreshToken : null);

    static string? BearerToken(HttpContext http)
    {
        string? header = http.Request.Headers.Authorization;
        const string scheme = "Bearer ";
        return header is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }
}
