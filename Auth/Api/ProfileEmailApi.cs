using System.Security.Claims;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.SignIn;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// The caller's email: a new verification mail, or a change that applies once the new address
// verifies (POST /auth/email/verify, RecoveryApi).
public static class ProfileEmailApi
{
    public static RouteGroupBuilder MapProfileEmailApi(this IEndpointRouteBuilder app)
    {
        var email = app.MapGroup("/profile/email").WithTags("Profile").RequireAuthorization().DisallowCaching();
        // Each call mails an address of the caller's choice: limited like signup and login.
        email.MapPost("/", ChangeEmail).WithName("changeEmail").RequireRateLimiting(PerClientLimit.Policy);
        email.MapPost("/verification", ResendVerification).WithName("resendVerification").RequireRateLimiting(PerClientLimit.Policy);
        return email;
    }

    // A verified address needs no mail; the answer is the same 202.
    static async Task<Results<Accepted, ProblemHttpResult>> ResendVerification(
        ClaimsPrincipal principal, IUserStore users, RecoveryMails mails, IOptions<TokenOptions> options, AuditTrail audit,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        if (await users.FindByIdAsync(caller.UserId, ct) is not { } user) return Problems.SessionEnded(SessionEnd.AccountGone);
        if (!user.EmailVerified)
        {
            await mails.SendVerificationAsync(user, MailLinks.OriginOf(options.Value, http), time.GetUtcNow(), ct);
            audit.VerificationMailRequested(caller.UserId, caller.SessionId, caller.IpAddress);
        }
        return TypedResults.Accepted((string?)null);
    }

    // Behind the current password (throttled like a login), so a stolen access token cannot move
    // the account to another mailbox. Nothing changes until the new address verifies.
    static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> ChangeEmail(
        ChangeEmailRequest request, ClaimsPrincipal principal, IUserStore users, PasswordSignIn signIn, RecoveryMails mails,
        IOptions<TokenOptions> options, AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckEmail(request.NewEmail, errors, "newEmail");
        InputRules.CheckPresent(request.CurrentPassword, "currentPassword", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caller = Caller.From(principal, http);
        if (await users.FindByIdAsync(caller.UserId, ct) is not { } user) return Problems.SessionEnded(SessionEnd.AccountGone);
        var newEmail = request.NewEmail!.Trim();
        var newNormalized = InputRules.NormalizeEmail(newEmail);
        if (newNormalized == user.NormalizedEmail)
            return Problems.Invalid(new Dictionary<string, string[]> { ["newEmail"] = ["This is the account's email already."] });

        var now = time.GetUtcNow();
        var proof = await signIn.ConfirmPasswordAsync(user, request.CurrentPassword!, ClientAddress.KeyOf(http), now, ct);
        if (proof.Verdict == SignInVerdict.Throttled) return Problems.TooManyFailedLogins(http, proof.RetryAfter);
        if (proof.Verdict == SignInVerdict.WrongCredentials)
        {
            audit.CurrentPasswordRefused("changeEmail", caller.UserId, caller.SessionId, caller.IpAddress);
            return Problems.WrongCurrentPassword();
        }
        // Checked again when the new address verifies: it may be taken by then.
        if (await users.FindByEmailAsync(newNormalized, ct) is not null) return Problems.EmailTaken();

        await mails.SendEmailChangeAsync(user, newEmail, MailLinks.OriginOf(options.Value, http), now, ct);
        audit.EmailChangeRequested(caller.UserId, caller.SessionId, caller.IpAddress);
        return TypedResults.Accepted((string?)null);
    }
}
