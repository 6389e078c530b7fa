using System.Text.Json;
using MiniAuth.Auth.Sessions;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// Every failure of the endpoints, in one place, as application/problem+json. Each carries a
// stable `code` (docs/http-api.md lists them): clients branch on it, never on title or detail.
public static class Problems
{
    public const string CodeKey = "code";

    public static ProblemHttpResult InvalidCredentials() =>
        Problem(StatusCodes.Status401Unauthorized, "invalid_credentials", "Invalid credentials", "The email or password is incorrect.");

    public static ProblemHttpResult RefreshRefused(string detail) =>
        Problem(StatusCodes.Status401Unauthorized, "invalid_token", "Refresh refused", detail);

    public static ProblemHttpResult SessionEnded(SessionEnd ended) =>
        Problem(StatusCodes.Status401Unauthorized, "session_ended", "Session ended", ended.Detail, ("reason", ended.Reason));

    public static ProblemHttpResult EmailTaken() =>
        Problem(StatusCodes.Status409Conflict, "email_taken", "Email already registered", "An account with this email already exists.");

    // After the password was checked: nobody without it learns that the account exists.
    public static ProblemHttpResult EmailNotVerified() => Problem(StatusCodes.Status403Forbidden, "email_not_verified",
        "Email not verified", "This account's email is not verified yet: follow the link in the verification mail, or reset the password, which verifies it too.");

    public static ValidationProblem InvalidAccountToken() => Invalid(new Dictionary<string, string[]>
    {
        ["token"] = ["The token is invalid, was used already, or has expired; ask for a new mail."],
    });

    // 400, not 401, which a client would read as "refresh and retry".
    public static ValidationProblem WrongCurrentPassword() => Invalid(new Dictionary<string, string[]>
    {
        ["currentPassword"] = ["The current password is incorrect."],
    });

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) => TypedResults.ValidationProblem(
        errors,
        title: "Invalid request",
        detail: "One or more fields are invalid; see errors.",
        extensions: new Dictionary<string, object?> { [CodeKey] = "validation_failed" });

    // 429 with Retry-After in whole seconds, rounded up so a client that waits that long is let in.
    public static ProblemHttpResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status429TooManyRequests, "too_many_requests", "Too many attempts", detail, ("retryAfter", seconds));
    }

    public static ProblemHttpResult TooManyFailedLogins(HttpContext http, TimeSpan retryAfter) => TooManyRequests(
        http, retryAfter, "Too many failed attempts for this account from this client; wait for Retry-After seconds.");

    public static ProblemHttpResult TooManyAccountFailures(HttpContext http, TimeSpan retryAfter) => TooManyRequests(
        http, retryAfter, "Too many failed attempts for this account; wait for Retry-After seconds, or sign in from a device that has signed in to it before.");

    public static ProblemHttpResult ForeignOrigin() => Problem(StatusCodes.Status403Forbidden, "foreign_origin", "Foreign origin",
        "The refresh cookie is accepted only from this service's own pages and the origins in MiniAuth:Cors:AllowedOrigins.");

    // The detail says which store's trouble it is (a server that does not answer, a full disk).
    public static ProblemHttpResult StoreUnavailable(HttpContext http, Exception outage)
    {
        http.Response.Headers.RetryAfter = "5";
        return Problem(StatusCodes.Status503ServiceUnavailable, "store_unavailable", "Storage unavailable", StoreOutage.Detail(outage));
    }

    public static ProblemHttpResult PasswordChangedMeanwhile() => Problem(StatusCodes.Status409Conflict, "password_changed_meanwhile",
        "Password changed meanwhile", "The password was changed by another request while this one ran; nothing was changed here.");

    public static ProblemHttpResult SessionNotFound() =>
        Problem(StatusCodes.Status404NotFound, "session_not_found", "Session not found", "The caller has no session with this id.");

    public static ProblemHttpResult SignupClosed() => Problem(StatusCodes.Status403Forbidden, "signup_closed",
        "Signup closed", "This service takes no signups (MiniAuth:Signup:Mode is Closed); an admin creates accounts.");

    // The same answer for no invite, an unknown, used or expired one, and one pinned to another email.
    public static ProblemHttpResult InviteRequired() => Problem(StatusCodes.Status403Forbidden, "invite_required",
        "Invite required", "Signup needs a live invite for this email; ask an admin for one.");

    public static ProblemHttpResult EmailDomainNotAllowed() => Problem(StatusCodes.Status403Forbidden, "email_domain_not_allowed",
        "Email domain not allowed", "Accounts on this service need an email of one of its domains (MiniAuth:Signup:AllowedEmailDomains).");

    // After the password was checked, like email_not_verified.
    public static ProblemHttpResult AccountDisabled() => Problem(StatusCodes.Status403Forbidden, "account_disabled",
        "Account disabled", "An admin has disabled this account.");

    public static ProblemHttpResult LastAdmin() => Problem(StatusCodes.Status409Conflict, "last_admin",
        "Last admin", "This is the last enabled account with the role admin; make another admin first.");

    public static ProblemHttpResult CannotChangeSelf() => Problem(StatusCodes.Status409Conflict, "cannot_change_self",
        "Cannot change own account", "An admin cannot disable or delete their own account here; another admin can.");

    // Also for another store's cursor (the backend changed): the poller starts again without one.
    public static ProblemHttpResult InvalidCursor() => Problem(StatusCodes.Status400BadRequest, "invalid_cursor",
        "Invalid cursor", "since must be a cursor this feed returned; poll without since to start again.");

    public static ProblemHttpResult UserNotFound() =>
        Problem(StatusCodes.Status404NotFound, "user_not_found", "User not found", "There is no user with this id.");

    // Multi-factor sign-in. mfa_required comes only after the password was checked, like
    // account_disabled; it carries the MFA token for POST /auth/mfa and the methods that complete it.
    // passkeyOptions: WebAuthn request options for this user's passkeys, when "passkey" is a method.
    public static ProblemHttpResult MfaRequired(string mfaToken, IReadOnlyList<string> methods, JsonElement? passkeyOptions) => Problem(
        StatusCodes.Status403Forbidden, "mfa_required", "Second factor required",
        "The password is right; send a code from the authenticator app, a recovery code or a passkey's answer to passkeyOptions, with mfaToken, to POST /auth/mfa.",
        ("mfaToken", mfaToken), ("methods", methods), ("passkeyOptions", passkeyOptions));

    // Unknown, used, expired, exhausted, or sent from another client than the login's.
    public static ProblemHttpResult InvalidMfaToken() => Problem(StatusCodes.Status401Unauthorized, "invalid_mfa_token",
        "MFA token refused", "The MFA token is invalid, was used, ran out of attempts or has expired; log in again.");

    public static ProblemHttpResult InvalidMfaCode(int attemptsLeft) => Problem(StatusCodes.Status401Unauthorized, "invalid_mfa_code",
        "Wrong code", attemptsLeft > 0 ? "The code is wrong or was used already; try again." : "The code is wrong; log in again.",
        ("attemptsLeft", attemptsLeft));

    public static ProblemHttpResult TotpAlreadyEnabled() => Problem(StatusCodes.Status409Conflict, "totp_already_enabled",
        "TOTP already on", "This account has TOTP already; remove it first to enrol another authenticator.");

    public static ProblemHttpResult TotpNotStarted() => Problem(StatusCodes.Status409Conflict, "totp_not_started",
        "No TOTP enrolment", "There is no TOTP enrolment to confirm; start one with POST /profile/mfa/totp.");

    public static ProblemHttpResult TotpNotEnabled() => Problem(StatusCodes.Status409Conflict, "totp_not_enabled",
        "TOTP not on", "This account has no TOTP to remove.");

    public static ValidationProblem WrongTotpCode() => Invalid(new Dictionary<string, string[]>
    {
        ["code"] = ["The code does not match; enter the 6 digits the authenticator app shows now."],
    });

    // Passkeys. Without MiniAuth:PublicUrl or MiniAuth:Passkeys:RelyingPartyId there is no relying party.
    public static ProblemHttpResult PasskeysNotConfigured() => Problem(StatusCodes.Status404NotFound, "passkeys_not_configured",
        "Passkeys not configured", "This service has no relying party for passkeys: set MiniAuth:PublicUrl (or MiniAuth:Passkeys:RelyingPartyId and Origins).");

    public static ValidationProblem MalformedPasskeyCredential() => Invalid(new Dictionary<string, string[]>
    {
        ["credential"] = ["The credential must be the browser's PublicKeyCredential, as its toJSON() gives it."],
    });

    public static ProblemHttpResult PasskeyChallengeInvalid() => Problem(StatusCodes.Status400BadRequest, "passkey_challenge_invalid",
        "Passkey challenge invalid", "The credential answers no live challenge (unknown, used or expired): ask for new options and try again.");

    // Unknown passkey, another user's, a bad signature and a cloned counter look the same.
    public static ProblemHttpResult PasskeyRefused() => Problem(StatusCodes.Status401Unauthorized, "passkey_refused",
        "Passkey refused", "This passkey could not sign in here.");

    public static ProblemHttpResult PasskeyNotAccepted() => Problem(StatusCodes.Status400BadRequest, "passkey_not_accepted",
        "Passkey not accepted", "The new passkey did not verify (origin, relying party, user verification or attestation); try again.");

    public static ProblemHttpResult PasskeyAlreadyRegistered() => Problem(StatusCodes.Status409Conflict, "passkey_already_registered",
        "Passkey already registered", "This passkey is registered already.");

    public static ProblemHttpResult PasskeyLimitReached() => Problem(StatusCodes.Status409Conflict, "passkey_limit_reached",
        "Too many passkeys", "This account has as many passkeys as it may (MiniAuth:Passkeys:MaxPerUser); remove one first.");

    public static ProblemHttpResult PasskeyNotFound() =>
        Problem(StatusCodes.Status404NotFound, "passkey_not_found", "Passkey not found", "The caller has no passkey with this id.");

    // The answers the framework writes itself (status code pages, bad bodies, JwtBearer's
    // challenge) get a code by their status; see HttpErrors.
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "invalid_request",
        StatusCodes.Status401Unauthorized => "invalid_token",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status413PayloadTooLarge => "payload_too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status429TooManyRequests => "too_many_requests",
        StatusCodes.Status503ServiceUnavailable => "store_unavailable",
        _ => status >= 500 ? "internal_error" : "request_failed",
    };

    static ProblemHttpResult Problem(int status, string code, string title, string detail, params (string Key, object? Value)[] more)
    {
        var extensions = new Dictionary<string, object?> { [CodeKey] = code };
        foreach (var (key, value) in more)
            if (value is not null) extensions[key] = value;
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }
}
