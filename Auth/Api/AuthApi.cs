using System.Text.Json;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Bearer;
using MiniAuth.Auth.Browser;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Mfa;
using MiniAuth.Auth.Passkeys;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.SignIn;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

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

    // Who may sign up is decided once the fields are valid (a closed service before that) and
    // before the slow hash; an invite taken for a signup that then fails is given back.
    static async Task<Results<Created<ProfileResponse>, ValidationProblem, ProblemHttpResult>> Signup(
        SignupRequest request, IUserStore users, PasswordHasher hasher, PasswordPolicy policy, SignupControl control,
        Invites invites, RecoveryMails mails, IOptions<TokenOptions> options, AuditTrail audit, HttpContext http,
        TimeProvider time, CancellationToken ct)
    {
        var ip = ClientInfo.From(http).IpAddress;
        if (control.IsClosed)
        {
            audit.SignupRefused(nameof(SignupRefusal.Closed), ip);
            return Problems.SignupClosed();
        }
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckEmail(request.Email, errors);
        InputRules.CheckName(request.Name, errors);
        policy.Check(request.Password, "password", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var now = time.GetUtcNow();
        var normalizedEmail = InputRules.NormalizeEmail(request.Email!);
        var admission = await control.AdmitAsync(normalizedEmail, request.Invite, now, ct);
        if (admission.Refusal != SignupRefusal.None)
        {
            audit.SignupRefused(admission.Refusal.ToString(), ip);
            return Refuse(admission.Refusal);
        }
        var invite = admission.Invite;
        var user = UserRecord.Create(request.Email!, normalizedEmail, request.Name,
            await hasher.HashAsync(request.Password!, ct), [.. invite?.Roles ?? []], now);
        if (!await users.TryCreateAsync(user, ct))
        {
            if (invite is not null) await invites.GiveBackAsync(invite, ct);
            return Problems.EmailTaken();
        }
        audit.SignedUp(user.Id, ip);
        if (invite is not null) audit.InviteRedeemed(user.Id, invite.Id, string.Join(",", user.Roles), ip);
        await mails.SendVerificationAsync(user, MailLinks.OriginOf(options.Value, http), now, ct);
        return TypedResults.Created("/profile", ProfileResponse.From(user));
    }

    static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> Login(
        LoginRequest request, PasswordSignIn signIn, MfaLoginTokens mfaTokens, PasskeyVerifier passkeys, RefreshCookie cookie,
        DeviceCookie device, AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.Email, "email", errors);
        InputRules.CheckPresent(request.Password, "password", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);
        // No account can hold such an email (signup refuses it), and a store may refuse the bytes;
        // the whitespace around an email is trimmed first, as everywhere.
        var email = InputRules.NormalizeEmail(request.Email!);
        if (request.Email!.Trim().Any(char.IsControl) || !InputRules.CouldBeStored(email)) return Problems.InvalidCredentials();

        var now = time.GetUtcNow();
        var knownDeviceOf = await device.ReadUserIdAsync(http);
        var result = await signIn.SignInAsync(email, request.Password!, ClientInfo.From(http), ClientAddress.KeyOf(http), knownDeviceOf, now, ct);
        if (result.Verdict == SignInVerdict.ThrottledAccountWide) return Problems.TooManyAccountFailures(http, result.RetryAfter);
        if (result.Verdict == SignInVerdict.Throttled) return Problems.TooManyFailedLogins(http, result.RetryAfter);
        if (result.Verdict == SignInVerdict.EmailNotVerified) return Problems.EmailNotVerified();
        if (result.Verdict == SignInVerdict.AccountDisabled) return Problems.AccountDisabled();
        var inBody = request.RefreshTokenDelivery == RefreshTokenDelivery.Body;
        // No tokens and no cookie yet: POST /auth/mfa finishes this login, the way it asked for.
        if (result.PendingMfa is { } pending)
        {
            // A passkey may answer too: options whose challenge is bound to this user and their passkeys.
            var passkeyOptions = pending.Methods.Contains(MfaMethods.Passkey)
                && (await passkeys.StartAsync(pending.User.Id, now, ct)).OptionsJson is { } json
                ? JsonSerializer.Deserialize<JsonElement>(json) : (JsonElement?)null;
            return Problems.MfaRequired(await mfaTokens.IssueAsync(pending.User.Id, pending.VerifiedHash, ClientAddress.KeyOf(http),
                inBody, now, ct), pending.Methods, passkeyOptions);
        }
        if (result.Tokens is not { } issued) return Problems.InvalidCredentials();
        return TypedResults.Ok(SignInResponse.Deliver(issued, inBody, knownDeviceOf, cookie, device, audit, http, now));
    }

    // The refresh token comes from the cookie first, else from the Authorization header; it
    // goes back the way it came.
    static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> RestoreAccessToken(
        SessionIssuer sessions, AuditTrail audit, RefreshCookie cookie, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var fromCookie = cookie.Read(http);
        if (fromCookie is not null && cookie.SentByForeignPage(http)) return Problems.ForeignOrigin();
        if (fromCookie is not null && cookie.SentTwice(http)) return RefuseDuplicateCookie(cookie, http);
        var refreshToken = fromCookie ?? BearerToken.From(http);
        if (refreshToken is null) return Problems.RefreshRefused("No refresh token was sent.");

        var now = time.GetUtcNow();
        var result = await sessions.RestoreAsync(refreshToken, now, ct);
        var ip = ClientInfo.From(http).IpAddress;
        if (result.Tokens is not { } issued)
        {
            if (result.ReuseDetected) audit.RefreshReuseDetected(result.Presented!.UserId, result.Presented.SessionId, ip);
            else audit.RefreshRefused(result.Presented?.UserId, result.Presented?.SessionId, ip, result.Failure!);
            if (fromCookie is not null) cookie.Clear(http);
            return result.Ended is { } ended ? Problems.SessionEnded(ended) : Problems.RefreshRefused(result.Failure!);
        }
        audit.TokenRefreshed(issued.UserId, issued.SessionId, ip);

        if (fromCookie is not null) cookie.Write(http, issued.RefreshToken, issued.RefreshExpiresAt, now);
        return TypedResults.Ok(SignInResponse.Of(issued, refreshInBody: fromCookie is null));
    }

    // The cookie is cleared whatever happens next, so a browser is signed out even when the
    // store cannot be reached to end the session (the 503 tells the client to try again).
    static async Task<Results<NoContent, ProblemHttpResult>> Logout(
        SessionIssuer sessions, AuditTrail audit, RefreshCookie cookie, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var fromCookie = cookie.Read(http);
        if (fromCookie is not null && cookie.SentByForeignPage(http)) return Problems.ForeignOrigin();
        if (fromCookie is not null && cookie.SentTwice(http)) return RefuseDuplicateCookie(cookie, http);
        cookie.Clear(http);
        if ((fromCookie ?? BearerToken.From(http)) is not { } token) return TypedResults.NoContent();
        try
        {
            if (await sessions.EndAsync(token, RevocationReasons.Logout, time.GetUtcNow(), ct) is { } ended)
                audit.LoggedOut(ended.UserId, ended.SessionId, ClientInfo.From(http).IpAddress);
        }
        catch (Exception e) when (StoreOutage.IsOutage(e))
        {
            return Problems.StoreUnavailable(http, e);
        }
        return TypedResults.NoContent();
    }

    // Two cookies of the name: one was planted, and which is which cannot be told. Neither counts,
    // and the browser is told to drop ours (a planted one with another Path or Domain it keeps).
    static ProblemHttpResult RefuseDuplicateCookie(RefreshCookie cookie, HttpContext http)
    {
        cookie.Clear(http);
        return Problems.RefreshRefused("The refresh cookie was sent twice; sign in again.");
    }

    static ProblemHttpResult Refuse(SignupRefusal refusal) => refusal switch
    {
        SignupRefusal.Closed => Problems.SignupClosed(),
        SignupRefusal.EmailDomainNotAllowed => Problems.EmailDomainNotAllowed(),
        _ => Problems.InviteRequired(),
    };
}
