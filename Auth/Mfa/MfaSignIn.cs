using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.SignIn;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Mfa;

// The second step of a login (POST /auth/mfa): the MFA token a right password earned, and one
// second factor. Every try counts against the login throttle like a password guess (per account
// and client, and account-wide); a success clears the per-client count as a login does. The
// session then starts through the login's own path (PasswordSignIn.StartSessionAsync).
public sealed class MfaSignIn(MfaLoginTokens tokens, SecondFactors factors, IUserStore users, IMfaStore store,
    LoginThrottle throttle, PasswordSignIn signIn, AuditTrail audit)
{
    // deviceUserId: the user this browser's device cookie proves it signed in to before.
    public async Task<MfaSignInResult> CompleteAsync(string mfaToken, SecondFactor factor, ClientInfo client, string clientKey,
        string? deviceUserId, DateTimeOffset now, CancellationToken ct)
    {
        // Taken at once: a token sent from another client is spent, its thief gets nothing.
        var challenge = await tokens.TakeAsync(mfaToken, now, ct);
        if (challenge is null || !MfaLoginTokens.SameClient(challenge, clientKey)) return Refused(challenge?.UserId, client);
        // The password changed (or the account went) since the login: its proof no longer holds.
        var user = await users.FindByIdAsync(challenge.UserId, ct);
        if (user is null || !MfaLoginTokens.SamePassword(challenge, user.PasswordHash)) return Refused(challenge.UserId, client);
        if (user.Disabled)
        {
            audit.LoginRefusedDisabled(user.Id, client.IpAddress);
            return new MfaSignInResult(MfaSignInVerdict.AccountDisabled);
        }

        var attempt = await throttle.BeginLoginAsync(user.NormalizedEmail, clientKey, user.Id == deviceUserId, now, ct);
        if (attempt.Verdict != AttemptVerdict.Allowed)
        {
            // Not a try: the token keeps its attempts for when the wait is over.
            await tokens.PutBackAsync(challenge, ct);
            var seconds = (int)Math.Ceiling(attempt.RetryAfter.TotalSeconds);
            if (attempt.Verdict == AttemptVerdict.ThrottledAccountWide)
            {
                audit.LoginThrottledAccountWide(user.Id, client.IpAddress, seconds);
                return new MfaSignInResult(MfaSignInVerdict.ThrottledAccountWide, RetryAfter: attempt.RetryAfter);
            }
            audit.LoginThrottled(user.Id, client.IpAddress, seconds);
            return new MfaSignInResult(MfaSignInVerdict.Throttled, RetryAfter: attempt.RetryAfter);
        }

        var proved = factor.Kind switch
        {
            SecondFactorKind.Totp => await factors.TryTotpAsync(user.Id, factor.Value, now, ct),
            SecondFactorKind.RecoveryCode => await factors.TryRecoveryCodeAsync(user.Id, factor.Value, ct),
            SecondFactorKind.Passkey => await factors.TryPasskeyAsync(user.Id, factor.Credential, client.IpAddress, now, ct),
            _ => false,
        };
        if (!proved) return await WrongFactorAsync(challenge, factor, client, ct);

        await throttle.SucceededAsync(user.NormalizedEmail, clientKey, ct);
        audit.MfaSucceeded(user.Id, client.IpAddress, factor.Method);
        if (factor.Kind == SecondFactorKind.RecoveryCode)
            audit.RecoveryCodeUsed(user.Id, client.IpAddress, (await store.FindAsync(user.Id, ct))?.RecoveryCodeHashes.Count ?? 0);

        var amr = factor.Kind switch
        {
            SecondFactorKind.Totp => AuthenticationMethods.PasswordAndTotp,
            SecondFactorKind.RecoveryCode => AuthenticationMethods.PasswordAndRecoveryCode,
            _ => AuthenticationMethods.PasswordAndPasskey,
        };
        var result = await signIn.StartSessionAsync(user,
            current => Task.FromResult(MfaLoginTokens.SamePassword(challenge, current.PasswordHash)), amr, client, now, ct);
        return result.Verdict switch
        {
            SignInVerdict.Succeeded => new MfaSignInResult(MfaSignInVerdict.Succeeded, result.Tokens, challenge.RefreshInBody),
            SignInVerdict.AccountDisabled => new MfaSignInResult(MfaSignInVerdict.AccountDisabled),
            _ => new MfaSignInResult(MfaSignInVerdict.InvalidToken),
        };
    }

    async Task<MfaSignInResult> WrongFactorAsync(MfaChallenge challenge, SecondFactor factor, ClientInfo client, CancellationToken ct)
    {
        var attempts = challenge.Attempts + 1;
        audit.MfaFailed(challenge.UserId, client.IpAddress, factor.Method, attempts, MfaLoginTokens.MaxAttempts);
        if (attempts < MfaLoginTokens.MaxAttempts) await tokens.PutBackAsync(challenge with { Attempts = attempts }, ct);
        else audit.MfaTokenExhausted(challenge.UserId, client.IpAddress);
        return new MfaSignInResult(MfaSignInVerdict.WrongFactor, AttemptsLeft: MfaLoginTokens.MaxAttempts - attempts);
    }

    MfaSignInResult Refused(string? userId, ClientInfo client)
    {
        audit.MfaTokenRefused(userId, client.IpAddress);
        return new MfaSignInResult(MfaSignInVerdict.InvalidToken);
    }
}
