using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Admin;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Mfa;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.SignIn;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

public static class ProfileApi
{
    static readonly SessionEnd AccountGone = SessionEnd.AccountGone;

    public static RouteGroupBuilder MapProfileApi(this IEndpointRouteBuilder app)
    {
        var profile = app.MapGroup("/profile").WithTags("Profile").RequireAuthorization().DisallowCaching();
        profile.MapGet("/", FetchProfile).WithName("fetchProfile");
        profile.MapPatch("/", UpdateProfile).WithName("updateProfile");
        profile.MapPost("/password", ChangePassword).WithName("changePassword");
        profile.MapDelete("/", DeleteAccount).WithName("deleteAccount");
        return profile;
    }

    static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> FetchProfile(
        ClaimsPrincipal principal, RecentUsers users, CancellationToken ct)
    {
        // Read on every page load: from the short user cache (RecentUsers); the changes below read the store.
        var user = await users.FindAsync(principal.FindFirstValue(JwtRegisteredClaimNames.Sub)!, ct);
        return user is null
            ? Problems.SessionEnded(AccountGone)
            : TypedResults.Ok(ProfileResponse.From(user));
    }

    // name is the one field; "" clears it.
    static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> UpdateProfile(
        UpdateProfileRequest request, ClaimsPrincipal principal, IUserStore users, AuditTrail audit,
        HttpContext http, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Name is null) errors["name"] = ["The name is required (send \"\" to clear it)."];
        InputRules.CheckName(request.Name, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caller = Caller.From(principal, http);
        if (await users.FindByIdAsync(caller.UserId, ct) is not { } user) return Problems.SessionEnded(AccountGone);
        user.Name = request.Name!.Length == 0 ? null : request.Name;
        await users.UpdateNameAsync(user.Id, user.Name, ct);
        audit.ProfileUpdated(caller.UserId, caller.SessionId, caller.IpAddress);
        return TypedResults.Ok(ProfileResponse.From(user));
    }

    // A wrong current password is 400 with errors.currentPassword, not 401 (which a client would
    // read as "refresh and retry"); guesses count against the same per account-and-client budget
    // as logins, so a stolen access token is no way around it. Every other session is ended.
    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, ClaimsPrincipal principal, IUserStore users, ISessionStore sessions,
        PasswordSignIn signIn, PasswordHasher hasher, PasswordPolicy policy, AccountTokens tokens, AuditTrail audit,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.CurrentPassword, "currentPassword", errors);
        policy.Check(request.NewPassword, "newPassword", errors);
        if (errors.Count == 0 && request.NewPassword == request.CurrentPassword)
            errors["newPassword"] = ["The new password must differ from the current one."];
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caller = Caller.From(principal, http);
        if (await users.FindByIdAsync(caller.UserId, ct) is not { } user) return Problems.SessionEnded(AccountGone);

        var now = time.GetUtcNow();
        var proof = await signIn.ConfirmPasswordAsync(user, request.CurrentPassword!, ClientAddress.KeyOf(http), now, ct);
        if (proof.Verdict == SignInVerdict.Throttled) return Problems.TooManyFailedLogins(http, proof.RetryAfter);
        if (proof.Verdict == SignInVerdict.WrongCredentials)
        {
            audit.PasswordChangeFailed(caller.UserId, caller.SessionId, caller.IpAddress);
            return Problems.WrongCurrentPassword();
        }

        // Only over the hash just verified: a change that raced this one is not silently undone.
        var newHash = await hasher.HashAsync(request.NewPassword!, ct);
        if (!await users.TryReplacePasswordHashAsync(user.Id, user.PasswordHash, newHash, ct))
            return Problems.PasswordChangedMeanwhile();
        var revoked = await sessions.RevokeAllForUserAsync(user.Id, RevocationReasons.PasswordChanged, now, caller.SessionId, ct);
        // A reset link mailed before the change must not undo it, nor an email change that whoever
        // knew the old password may have asked for.
        await tokens.DeleteAsync(user.Id, AccountTokenKinds.PasswordReset, ct);
        await tokens.DeleteAsync(user.Id, AccountTokenKinds.EmailChange, ct);
        audit.PasswordChanged(caller.UserId, caller.SessionId, caller.IpAddress, revoked);
        return TypedResults.NoContent();
    }

    // The owner's own deletion (app stores require one), behind the current password like a
    // password change. A login racing this one either started its session before the sessions
    // end here, or finds the account gone when it re-reads it and ends its own (PasswordSignIn).
    static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAccount(
        [FromBody] DeleteAccountRequest request, ClaimsPrincipal principal, IUserStore users, ISessionStore sessions,
        PasswordSignIn signIn, AccountTokens tokens, MfaMethods mfa, AuditTrail audit, HttpContext http, TimeProvider time,
        CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckPresent(request.CurrentPassword, "currentPassword", errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caller = Caller.From(principal, http);
        if (await users.FindByIdAsync(caller.UserId, ct) is not { } user) return Problems.SessionEnded(AccountGone);
        var now = time.GetUtcNow();
        var proof = await signIn.ConfirmPasswordAsync(user, request.CurrentPassword!, ClientAddress.KeyOf(http), now, ct);
        if (proof.Verdict == SignInVerdict.Throttled) return Problems.TooManyFailedLogins(http, proof.RetryAfter);
        if (proof.Verdict == SignInVerdict.WrongCredentials)
        {
            audit.CurrentPasswordRefused("deleteAccount", caller.UserId, caller.SessionId, caller.IpAddress);
            return Problems.WrongCurrentPassword();
        }

        // The last admin cannot leave: nobody could administer the service after them.
        if (await users.TryDeleteAsync(user.Id, AdminRole.Name, ct) == UserChangeOutcome.LastHolder) return Problems.LastAdmin();
        var ended = await sessions.RevokeAllForUserAsync(user.Id, RevocationReasons.AccountDeleted, now, null, ct);
        await tokens.DeleteAsync(user.Id, null, ct);
        await mfa.RemoveAllAsync(user.Id, ct);
        audit.AccountDeleted(caller.UserId, caller.SessionId, caller.IpAddress, ended);
        return TypedResults.NoContent();
    }
}
