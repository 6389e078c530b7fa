using MiniAuth.Storage;

namespace MiniAuth.Auth;

public static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Auth").DisallowCaching();
        auth.MapPost("/signup", Signup).WithName("signup").RequireRateLimiting(PerClientLimit.Policy);
        auth.MapPost("/login", Login).WithName("login").RequireRateLimiting(PerClientLimit.Policy);
        auth.MapPost("/restoreAccessToken", RestoreAccessToken).WithName("restoreAccessToken");
        auth.MapPost("/logout", Logout).WithName("logout");
        return auth;
    }

    static async Task<Results<Created<ProfileResponse>, ValidationProblem, ProblemHttpResult>> Signup(
        SignupRequest request, IUserStore users, PasswordHasher hasher, PasswordPolicy policy,
        AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckEmail(request.Email, errors);
        InputRules.CheckName(request.Name, errors);
        policy.Check(request.Password, "password", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var now = time.GetUtcNow();
        var user = UserRecord.Create(request.Email!, InputRules.NormalizeEmail(request.Email!), request.Name,
            await hasher.HashAsync(request.Password!, ct), [], now);
        if (!await users.TryCreateAsync(user, ct)) return Problems.EmailTaken();
        audit.SignedUp(user.Id, ClientInfo.From(http).IpAddress);
        return TypedResults.Created("/profile", ProfileResponse.From(user));
    }

    static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, IUserStore users, PasswordHasher hasher, SessionIssuer sessions, LoginThrottle throttle,
        AuditTrail audit, RefreshCookie cookie, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.Email, "email", errors);
        InputRules.CheckPresent(request.Password, "password", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);
        // No account can hold such an email (signup refuses it), and a store may refuse the bytes.
        if (request.Email!.Any(char.IsControl)) return Problems.InvalidCredentials();

        // Unknown email and wrong password look the same, in content, in time and in throttling.
        var now = time.GetUtcNow();
        var email = InputRules.NormalizeEmail(request.Email!);
        var client = ClientInfo.From(http);
        var clientKey = ClientAddress.KeyOf(http);
        var attempt = await throttle.BeginAsync(email, clientKey, now, ct);
        var user = await users.FindByEmailAsync(email, ct);
        if (attempt.Verdict == AttemptVerdict.Throttled)
        {
            audit.LoginThrottled(user?.Id, client.IpAddress, (int)Math.Ceiling(attempt.RetryAfter.TotalSeconds));
            return Problems.TooManyFailedLogins(http, attempt.RetryAfter);
        }

        var check = await hasher.VerifyAsync(user?.PasswordHash, request.Password!, ct);
        if (user is null || check == PasswordCheck.Failed)
        {
            audit.LoginFailed(user?.Id, client.IpAddress, attempt.FailureCount, throttle.MaxFailedLogins);
            return Problems.InvalidCredentials();
        }
        await throttle.SucceededAsync(email, clientKey, ct);

        var verifiedHash = user.PasswordHash;
        if (check == PasswordCheck.SucceededNeedsRehash)
        {
            // Skipped when the password changed meanwhile: never bring an old password back.
            var rehash = await hasher.HashAsync(request.Password!, ct);
            if (await users.TryReplacePasswordHashAsync(user.Id, user.PasswordHash, rehash, ct)) verifiedHash = rehash;
        }

        var issued = await sessions.StartAsync(user, client, now, ct);
        if (!await PasswordStillCurrentAsync(users, hasher, user.Id, verifiedHash, request.Password!, ct))
        {
            await sessions.AbandonAsync(issued, RevocationReasons.PasswordChanged, now, ct);
            audit.LoginOvertakenByPasswordChange(user.Id, issued.SessionId, client.IpAddress);
            return Problems.InvalidCredentials();
        }
        audit.LoginSucceeded(user.Id, issued.SessionId, client.IpAddress);
        var inBody = request.RefreshTokenDelivery == RefreshTokenDelivery.Body;
        if (!inBody) cookie.Write(http, issued.RefreshToken, issued.RefreshExpiresAt, now);
        return TypedResults.Ok(Respond(issued, inBody));
    }

    // Read once the login's session exists: may that session live? A password change replaces
    // the hash (1), then ends every session of the user (2). This login verified verifiedHash (or
    // wrote it, rehashing the same password), then created its session (b), then reads here (c):
    // - verifiedHash: no hash string is ever written twice (fresh salt), so (c) came before (1);
    //   then (b) came before (2), and any change ends this session with the others;
    // - another hash that verifies this password (another login's rehash): the password was
    //   still current at (c), after (b), so a change that drops it ends this session too;
    // - any other hash, or no account: a change landed after the verify, its (2) may have run
    //   before (b), so the login ends its session itself and answers as for a wrong password.
    // Each step is one store call that returns before the next starts (LiteDB, PostgreSQL, Redis),
    // so "before" is real time and no lock has to span the steps, as long as the store is
    // linearizable: no reads from a lagging standby, no failover that loses the revoke-all.
    static async Task<bool> PasswordStillCurrentAsync(IUserStore users, PasswordHasher hasher, string userId,
        string verifiedHash, string password, CancellationToken ct)
    {
        var current = (await users.FindByIdAsync(userId, ct))?.PasswordHash;
        if (current is null) return false;
        if (current == verifiedHash) return true;
        return await hasher.VerifyAsync(current, password, ct) != PasswordCheck.Failed;
    }

    // The refresh token comes from the cookie first, else from the Authorization header; it
    // goes back the way it came.
    static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RestoreAccessToken(
        SessionIssuer sessions, AuditTrail audit, RefreshCookie cookie, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var fromCookie = cookie.Read(http);
        if (fromCookie is not null && cookie.SentByForeignPage(http)) return Problems.ForeignOrigin();
        var refreshToken = fromCookie ?? BearerToken(http);
        if (refreshToken is null) return Problems.RefreshRefused("No refresh token was sent.");

        var now = time.GetUtcNow();
        var result = await sessions.RestoreAsync(refreshToken, now, ct);
        var ip = ClientInfo.From(http).IpAddress;
        if (result.Tokens is not { } issued)
        {
            if (result.ReuseDetected) audit.RefreshReuseDetected(result.Presented!.UserId, result.Presented.SessionId, ip);
            else audit.RefreshRefused(result.Presented?.UserId, result.Presented?.SessionId, ip, result.Failure!);
            if (fromCookie is not null) cookie.Clear(http);
            return Problems.RefreshRefused(result.Failure!);
        }
        audit.TokenRefreshed(issued.UserId, issued.SessionId, ip);

        if (fromCookie is not null) cookie.Write(http, issued.RefreshToken, issued.RefreshExpiresAt, now);
        return TypedResults.Ok(Respond(issued, refreshInBody: fromCookie is null));
    }

    // The cookie is cleared whatever happens next, so a browser is signed out even when the
    // store cannot be reached to end the session (the 503 tells the client to try again).
    static async Task<Results<NoContent, ProblemHttpResult>> Logout(
        SessionIssuer sessions, AuditTrail audit, RefreshCookie cookie, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var fromCookie = cookie.Read(http);
        if (fromCookie is not null && cookie.SentByForeignPage(http)) return Problems.ForeignOrigin();
        cookie.Clear(http);
        if ((fromCookie ?? BearerToken(http)) is not { } token) return TypedResults.NoContent();
        try
        {
            if (await sessions.EndAsync(token, RevocationReasons.Logout, time.GetUtcNow(), ct) is { } ended)
                audit.LoggedOut(ended.UserId, ended.SessionId, ClientInfo.From(http).IpAddress);
        }
        catch (Exception e) when (StoreOutage.IsOutage(e))
        {
            return Problems.StoreUnavailable(http);
        }
        return TypedResults.NoContent();
    }

    static TokenResponse Respond(IssuedTokens issued, bool refreshInBody) =>
        new(issued.AccessToken, "Bearer", issued.AccessExpiresIn, refreshInBody ? issued.RefreshToken : null);

    // The token of an "Authorization: Bearer <token>" header, or null.
    public static string? BearerToken(HttpContext http)
    {
        string? header = http.Request.Headers.Authorization;
        const string scheme = "Bearer ";
        return header is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }
}
