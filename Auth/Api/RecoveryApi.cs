using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// The routes a mail's token comes back to, and the one that sends the reset mail. None needs a
// session: the token, or the mailbox it went to, is the credential.
public static class RecoveryApi
{
    public static RouteGroupBuilder MapRecoveryApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Recovery").DisallowCaching();
        auth.MapPost("/password/forgot", RequestPasswordReset).WithName("requestPasswordReset").RequireRateLimiting(PerClientLimit.Policy);
        auth.MapPost("/password/reset", ResetPassword).WithName("resetPassword");
        auth.MapPost("/email/verify", VerifyEmail).WithName("verifyEmail");
        return auth;
    }

    // The same 202, in the same time, for every address: the lookup, the per-address limit and the
    // mail happen behind the answer (PasswordResetRequests), so nothing here depends on the account.
    static Results<Accepted, ValidationProblem> RequestPasswordReset(
        RequestPasswordResetRequest request, PasswordResetRequests resets, IOptions<TokenOptions> options,
        HttpContext http, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckEmail(request.Email, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);
        resets.Queue(new ResetRequest(InputRules.NormalizeEmail(request.Email!), MailLinks.OriginOf(options.Value, http),
            ClientInfo.From(http).IpAddress, time.GetUtcNow()));
        return TypedResults.Accepted((string?)null);
    }

    // The token is taken (and so spent) only once the new password passed the policy, and the
    // slow hash is computed only for a live token.
    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ResetPassword(
        ResetPasswordRequest request, AccountTokens tokens, IUserStore users, ISessionStore sessions, PasswordHasher hasher,
        PasswordPolicy policy, AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.Token, "token", errors);
        policy.Check(request.NewPassword, "newPassword", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var now = time.GetUtcNow();
        var ip = ClientInfo.From(http).IpAddress;
        // A link mailed to an address the account no longer has (an email change landed since) is
        // no proof of the account's mailbox.
        if (await tokens.TakeAsync(request.Token!, AccountTokenKinds.PasswordReset, now, ct) is not { } reset
            || await users.FindByIdAsync(reset.UserId, ct) is not { } user
            || reset.Data is { } mailedTo && mailedTo != user.NormalizedEmail)
        {
            audit.AccountTokenRefused("resetPassword", ip);
            return Problems.InvalidAccountToken();
        }
        // The link is spent: once enabled again, the owner asks for a new one.
        if (user.Disabled) return Problems.AccountDisabled();

        var newHash = await hasher.HashAsync(request.NewPassword!, ct);
        if (!await users.TryReplacePasswordHashAsync(user.Id, user.PasswordHash, newHash, ct)) return Problems.PasswordChangedMeanwhile();
        // After the hash is replaced: a login that verified the old one ends its own session (PasswordSignIn).
        var ended = await sessions.RevokeAllForUserAsync(user.Id, RevocationReasons.PasswordReset, now, null, ct);
        await tokens.DeleteAsync(user.Id, AccountTokenKinds.PasswordReset, ct);
        // A pending email change may be the work of whoever knew the old password.
        await tokens.DeleteAsync(user.Id, AccountTokenKinds.EmailChange, ct);
        // The token reached the mailbox it was sent to: that proves the address, if it is still the account's.
        if (reset.Data is not null) await users.TryMarkEmailVerifiedAsync(user.Id, reset.Data, ct);
        audit.PasswordReset(user.Id, ip, ended);
        return TypedResults.NoContent();
    }

    // One route for both tokens a verification mail can hold: the account's own address
    // (signup, resend), or the new address of an email change, which applies now.
    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VerifyEmail(
        VerifyEmailRequest request, AccountTokens tokens, IUserStore users, RecoveryMails mails, IOptions<TokenOptions> options,
        AuditTrail audit, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.Token, "token", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var now = time.GetUtcNow();
        var ip = ClientInfo.From(http).IpAddress;
        if (await tokens.TakeAsync(request.Token!, AccountTokenKinds.EmailVerification, now, ct) is { } verification)
        {
            // Refused when the email changed since the mail went out: it proves another address.
            if (verification.Data is { } mailedTo && await users.TryMarkEmailVerifiedAsync(verification.UserId, mailedTo, ct))
            {
                audit.EmailVerified(verification.UserId, ip);
                return TypedResults.NoContent();
            }
        }
        else if (await tokens.TakeAsync(request.Token!, AccountTokenKinds.EmailChange, now, ct) is { Data: { } newEmail } change
            && await users.FindByIdAsync(change.UserId, ct) is { } user)
        {
            var newNormalized = InputRules.NormalizeEmail(newEmail);
            // Free when asked for, but someone may have signed up with it since.
            if (!await users.TryChangeEmailAsync(user.Id, user.NormalizedEmail, newEmail, newNormalized, ct))
            {
                if (await users.FindByEmailAsync(newNormalized, ct) is not null) return Problems.EmailTaken();
            }
            else
            {
                // Links mailed to the old address no longer stand for this account.
                await tokens.DeleteAsync(user.Id, AccountTokenKinds.PasswordReset, ct);
                await tokens.DeleteAsync(user.Id, AccountTokenKinds.EmailVerification, ct);
                audit.EmailChanged(user.Id, ip);
                await mails.SendEmailChangeNoticeAsync(user.Email, newEmail, MailLinks.OriginOf(options.Value, http), ct);
                return TypedResults.NoContent();
            }
        }
        audit.AccountTokenRefused("verifyEmail", ip);
        return Problems.InvalidAccountToken();
    }
}
