using System.Security.Claims;
using System.Text.Json;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Browser;
using MiniAuth.Auth.Passkeys;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.SignIn;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// Passkeys: a signed-in user adds, lists and removes theirs; anyone signs in with one alone (a
// discoverable credential: no email typed). Another user's passkey id is 404, like an unknown one.
public static class PasskeysApi
{
    const string DefaultName = "Passkey";

    public static void MapPasskeysApi(this IEndpointRouteBuilder app)
    {
        var profile = app.MapGroup("/profile/passkeys").WithTags("Passkeys").RequireAuthorization().DisallowCaching();
        profile.MapPost("/options", RegistrationOptions).WithName("passkeyRegistrationOptions");
        profile.MapPost("/", AddPasskey).WithName("addPasskey");
        profile.MapGet("/", ListPasskeys).WithName("listPasskeys");
        profile.MapDelete("/{id}", RemovePasskey).WithName("removePasskey");

        var auth = app.MapGroup("/auth/passkey").WithTags("Passkeys").DisallowCaching();
        auth.MapPost("/options", LoginOptions).WithName("passkeyLoginOptions").RequireRateLimiting(PerClientLimit.Policy);
        auth.MapPost("/", PasskeyLogin).WithName("passkeyLogin").RequireRateLimiting(PerClientLimit.Policy);
    }

    static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> RegistrationOptions(
        ClaimsPrincipal principal, IUserStore users, PasskeyRegistration registration, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        if (await users.FindByIdAsync(caller.UserId, ct) is not { } user) return Problems.SessionEnded(SessionEnd.AccountGone);
        var ceremony = await registration.StartAsync(user, time.GetUtcNow(), ct);
        return ceremony.Verdict switch
        {
            PasskeyVerdict.NotConfigured => Problems.PasskeysNotConfigured(),
            PasskeyVerdict.LimitReached => Problems.PasskeyLimitReached(),
            _ => TypedResults.Ok(Json(ceremony.OptionsJson!)),
        };
    }

    static async Task<Results<Created<PasskeyResponse>, ValidationProblem, ProblemHttpResult>> AddPasskey(
        AddPasskeyRequest request, ClaimsPrincipal principal, PasskeyRegistration registration, AuditTrail audit,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (request.Credential?.ValueKind != JsonValueKind.Object) return Problems.MalformedPasskeyCredential();
        var errors = new Dictionary<string, string[]>();
        InputRules.CheckName(request.Name, errors);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var caller = Caller.From(principal, http);
        var name = string.IsNullOrWhiteSpace(request.Name) ? DefaultName : request.Name.Trim();
        var result = await registration.FinishAsync(caller.UserId, request.Credential, name, time.GetUtcNow(), ct);
        if (result.Passkey is not { } passkey)
        {
            if (result.Reason is { } reason) audit.PasskeyRegistrationRefused(caller.UserId, caller.SessionId, caller.IpAddress, reason);
            return result.Verdict switch
            {
                PasskeyVerdict.NotConfigured => Problems.PasskeysNotConfigured(),
                PasskeyVerdict.Malformed => Problems.MalformedPasskeyCredential(),
                PasskeyVerdict.ChallengeInvalid => Problems.PasskeyChallengeInvalid(),
                PasskeyVerdict.AlreadyRegistered => Problems.PasskeyAlreadyRegistered(),
                PasskeyVerdict.LimitReached => Problems.PasskeyLimitReached(),
                _ => Problems.PasskeyNotAccepted(),
            };
        }
        audit.PasskeyAdded(caller.UserId, passkey.Id, caller.SessionId, caller.IpAddress);
        return TypedResults.Created($"/profile/passkeys/{passkey.Id}", PasskeyResponse.From(passkey));
    }

    // Oldest first: the order they were added in.
    static async Task<Ok<List<PasskeyResponse>>> ListPasskeys(
        ClaimsPrincipal principal, IPasskeyStore passkeys, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        return TypedResults.Ok((await passkeys.ListForUserAsync(caller.UserId, ct))
            .OrderBy(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal)
            .Select(PasskeyResponse.From).ToList());
    }

    static async Task<Results<NoContent, ProblemHttpResult>> RemovePasskey(
        string id, ClaimsPrincipal principal, PasskeyRemoval removal, AuditTrail audit, HttpContext http, CancellationToken ct)
    {
        var caller = Caller.From(principal, http);
        if (!await removal.RemoveAsync(caller.UserId, id, ct)) return Problems.PasskeyNotFound();
        audit.PasskeyRemoved(caller.UserId, id, caller.SessionId, caller.IpAddress);
        return TypedResults.NoContent();
    }

    static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> LoginOptions(
        PasskeyVerifier verifier, TimeProvider time, CancellationToken ct)
    {
        var ceremony = await verifier.StartAsync(null, time.GetUtcNow(), ct);
        return ceremony.Verdict == PasskeyVerdict.NotConfigured
            ? Problems.PasskeysNotConfigured()
            : TypedResults.Ok(Json(ceremony.OptionsJson!));
    }

    // The passkey proves the user; from there on it is a login like the password's (PasswordSignIn).
    static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> PasskeyLogin(
        PasskeyLoginRequest request, PasskeyVerifier verifier, IUserStore users, PasswordSignIn signIn, AuditTrail audit,
        RefreshCookie cookie, DeviceCookie device, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        if (request.Credential?.ValueKind != JsonValueKind.Object) return Problems.MalformedPasskeyCredential();
        var now = time.GetUtcNow();
        var client = ClientInfo.From(http);
        var result = await verifier.VerifyAsync(request.Credential, null, client.IpAddress, now, ct);
        if (result.Passkey is not { } passkey)
            return result.Verdict switch
            {
                PasskeyVerdict.NotConfigured => Problems.PasskeysNotConfigured(),
                PasskeyVerdict.Malformed => Problems.MalformedPasskeyCredential(),
                PasskeyVerdict.ChallengeInvalid => Problems.PasskeyChallengeInvalid(),
                _ => Problems.PasskeyRefused(),
            };
        if (await users.FindByIdAsync(passkey.UserId, ct) is not { } user) return Problems.PasskeyRefused();

        // A passkey proves possession and user verification at once: no second step follows it.
        var signedIn = signIn.RefusalOf(user, client)
            ?? await signIn.StartSessionAsync(user, _ => Task.FromResult(true), AuthenticationMethods.Passkey, client, now, ct);
        if (signedIn.Verdict == SignInVerdict.AccountDisabled) return Problems.AccountDisabled();
        if (signedIn.Verdict == SignInVerdict.EmailNotVerified) return Problems.EmailNotVerified();
        if (signedIn.Tokens is not { } issued) return Problems.PasskeyRefused();
        audit.PasskeySignedIn(user.Id, passkey.Id, issued.SessionId, client.IpAddress);
        return TypedResults.Ok(SignInResponse.Deliver(issued, request.RefreshTokenDelivery == RefreshTokenDelivery.Body,
            await device.ReadUserIdAsync(http), cookie, device, audit, http, now));
    }

    static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
