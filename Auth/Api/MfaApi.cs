using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Browser;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Mfa;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.SignIn;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// Multi-factor sign-in: TOTP enrolment and removal on the profile (behind the current password,
// throttled like a login), and the second step of a login. The admin's reset is in AdminApi.
public static class MfaApi
{
    public static void MapMfaApi(this IEndpointRouteBuilder app)
    {
        var profile = app.MapGroup("/profile/mfa").WithTags("Profile").RequireAuthorization().DisallowCaching();
        profile.MapPost("/totp", StartTotp).WithName("startTotp");
        profile.MapPost("/totp/confirm", ConfirmTotp).WithName("confirmTotp");
        profile.MapDelete("/totp", RemoveTotp).WithName("removeTotp");

        var auth = app.MapGroup("/auth").WithTags("Auth").DisallowCaching();
        auth.MapPost("/mfa", CompleteMfa).WithName("completeMfa").RequireRateLimiting(PerClientLimit.Policy);
    }

    // Starts (or restarts) an enrolment: the secret is shown now and stored protected; TOTP is on
    // only once confirmTotp gets a code of it.
    static async Task<Results<Ok<StartTotpResponse>, ValidationProblem, ProblemHttpResult>> StartTotp(
        StartTotpRequest request, ClaimsPrincipal principal, IUserStore users, IMfaStore store, PasswordSignIn signIn,
        TotpSecretProtector protector, IOptions<TokenOptions> options, AuditTrail audit, HttpContext http, TimeProvider time,
        CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        var now = time.GetUtcNow();
        var (user, invalid, refused) = await ConfirmCurrentPasswordAsync(request.CurrentPassword, "startTotp", caller, users, signIn,
            audit, http, now, ct);
        if (invalid is not null) return invalid;
        if (user is null) return refused!;
        if (await store.FindAsync(user.Id, ct) is { } existing && existing.HasTotp()) return Problems.TotpAlreadyEnabled();

        var secret = TotpCodes.NewSecret();
        await store.SetPendingTotpAsync(user.Id, protector.Protect(user.Id, secret), now, ct);
        audit.TotpEnrolmentStarted(caller.UserId, caller.SessionId, caller.IpAddress);
        var uri = TotpCodes.OtpauthUri(secret, user.Email, IssuerLabel(options.Value));
        return TypedResults.Ok(new StartTotpResponse(TotpCodes.Base32(secret), uri, TotpQrCode.Svg(uri)));
    }

    // The first right code turns TOTP on (and is used: the same code does not sign in later) and
    // returns the recovery codes, the only time they are shown.
    static async Task<Results<Ok<ConfirmTotpResponse>, ValidationProblem, ProblemHttpResult>> ConfirmTotp(
        ConfirmTotpRequest request, ClaimsPrincipal principal, IMfaStore store, TotpSecretProtector protector,
        AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.Code, "code", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caller = Caller.From(principal, http);
        var record = await store.FindAsync(caller.UserId, ct);
        if (record?.HasTotp() == true) return Problems.TotpAlreadyEnabled();
        if (record?.PendingTotpSecret is not { } pending || protector.Unprotect(caller.UserId, pending) is not { } secret)
            return Problems.TotpNotStarted();
        if (TotpCodes.MatchStep(secret, request.Code, time.GetUtcNow()) is not { } step) return Problems.WrongTotpCode();

        var codes = RecoveryCodes.Generate();
        var hashes = codes.Select(code => RecoveryCodes.HashOf(caller.UserId, RecoveryCodes.Normalize(code)!)).ToList();
        // Another confirm or start got there first: this one's codes were never stored.
        if (!await store.TryEnableTotpAsync(caller.UserId, pending, step, hashes, time.GetUtcNow(), ct)) return Problems.TotpNotStarted();
        audit.TotpEnabled(caller.UserId, caller.SessionId, caller.IpAddress);
        return TypedResults.Ok(new ConfirmTotpResponse(codes));
    }

    // TOTP and its recovery codes go, and every other session of the user ends (revoked): a
    // session started with the second factor is not left to whoever removed it.
    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveTotp(
        [FromBody] RemoveTotpRequest request, ClaimsPrincipal principal, IUserStore users, IMfaStore store,
        ISessionStore sessions, PasswordSignIn signIn, AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        var now = time.GetUtcNow();
        var (user, invalid, refused) = await ConfirmCurrentPasswordAsync(request.CurrentPassword, "removeTotp", caller, users, signIn,
            audit, http, now, ct);
        if (invalid is not null) return invalid;
        if (user is null) return refused!;
        if (!await store.DeleteAsync(user.Id, ct)) return Problems.TotpNotEnabled();
        var ended = await sessions.RevokeAllForUserAsync(user.Id, RevocationReasons.RevokedByUser, now, caller.SessionId, ct);
        audit.TotpRemoved(caller.UserId, caller.SessionId, caller.IpAddress, ended);
        return TypedResults.NoContent();
    }

    // Exactly one factor per call; the field present says which (a passkey's `credential` joins here).
    static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> CompleteMfa(
        CompleteMfaRequest request, MfaSignIn mfa, RefreshCookie cookie, DeviceCookie device, AuditTrail audit, HttpContext http,
        TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.MfaToken, "mfaToken", errors);
        var credential = request.Credential is { ValueKind: not JsonValueKind.Null } given ? given : (JsonElement?)null;
        SecondFactor? factor = (request.Code, request.RecoveryCode, credential) switch
        {
            ({ } code, null, null) => new SecondFactor(SecondFactorKind.Totp, code),
            (null, { } recoveryCode, null) => new SecondFactor(SecondFactorKind.RecoveryCode, recoveryCode),
            (null, null, { ValueKind: JsonValueKind.Object }) => new SecondFactor(SecondFactorKind.Passkey, null, credential),
            _ => null,
        };
        if (factor is null)
            errors["code"] = ["Send one of code (the authenticator app's 6 digits), recoveryCode or credential (a passkey's answer to passkeyOptions)."];
        if (errors.Count > 0) return Problems.Invalid(errors);

        var now = time.GetUtcNow();
        var knownDeviceOf = await device.ReadUserIdAsync(http);
        var result = await mfa.CompleteAsync(request.MfaToken!, factor!, ClientInfo.From(http), ClientAddress.KeyOf(http),
            knownDeviceOf, now, ct);
        return result.Verdict switch
        {
            MfaSignInVerdict.Succeeded => TypedResults.Ok(SignInResponse.Deliver(result.Tokens!, result.RefreshInBody, knownDeviceOf, cookie, device, audit, http, now)),
            MfaSignInVerdict.WrongFactor => Problems.InvalidMfaCode(result.AttemptsLeft),
            MfaSignInVerdict.Throttled => Problems.TooManyFailedLogins(http, result.RetryAfter),
            MfaSignInVerdict.ThrottledAccountWide => Problems.TooManyAccountFailures(http, result.RetryAfter),
            MfaSignInVerdict.AccountDisabled => Problems.AccountDisabled(),
            _ => Problems.InvalidMfaToken(),
        };
    }

    // The admin's help for a user who lost their device: every second factor goes, every session
    // ends (forced_logout); the user signs in with the password alone and may enrol again.
    internal static async Task<Results<NoContent, ProblemHttpResult>> ResetUserMfa(
        string userId, ClaimsPrincipal principal, IUserStore users, MfaMethods mfa, ISessionStore sessions,
        IAccountTokenStore tokens, AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (await users.FindByIdAsync(userId, ct) is null) return Problems.UserNotFound();
        var caller = Caller.From(principal, http);
        var hadTotp = await mfa.RemoveAllAsync(userId, ct);
        await tokens.DeleteForUserAsync(userId, AccountTokenKinds.MfaLogin, ct);
        var ended = await sessions.RevokeAllForUserAsync(userId, RevocationReasons.ForcedByAdmin, time.GetUtcNow(), null, ct);
        audit.AdminResetMfa(caller.UserId, caller.SessionId, caller.IpAddress, userId, hadTotp, ended);
        return TypedResults.NoContent();
    }

    // The account, once its current password is proved (throttled like a login); else the answer.
    static async Task<(UserRecord? User, ValidationProblem? Invalid, ProblemHttpResult? Refused)> ConfirmCurrentPasswordAsync(string? currentPassword, string operation,
        Caller caller, IUserStore users, PasswordSignIn signIn, AuditTrail audit, HttpContext http, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(currentPassword, "currentPassword", errors);
        if (errors.Count > 0) return (null, Problems.Invalid(errors), null);
        if (await users.FindByIdAsync(caller.UserId, ct) is not { } user) return (null, null, Problems.SessionEnded(SessionEnd.AccountGone));
        var proof = await signIn.ConfirmPasswordAsync(user, currentPassword!, ClientAddress.KeyOf(http), now, ct);
        if (proof.Verdict == SignInVerdict.Throttled) return (null, null, Problems.TooManyFailedLogins(http, proof.RetryAfter));
        if (proof.Verdict != SignInVerdict.WrongCredentials) return (user, null, null);
        audit.CurrentPasswordRefused(operation, caller.UserId, caller.SessionId, caller.IpAddress);
        return (null, Problems.WrongCurrentPassword(), null);
    }

    // What authenticator apps show above the code: PublicUrl's host when set, else the Issuer.
    static string IssuerLabel(TokenOptions options) =>
        options.PublicBaseUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : options.Issuer ?? "MiniAuth";
}
