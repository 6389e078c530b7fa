using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Mfa;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth.Sessions;
using MiniAuth.Storage;

namespace MiniAuth.Auth.SignIn;

// Proving a password, in one place: the login sequence (throttle, verify, rehash, start a session,
// make sure the password did not change meanwhile) and the re-check of a signed-in user's current
// password, which counts against the same per account-and-client budget as logins.
public sealed class PasswordSignIn(IUserStore users, PasswordHasher hasher, LoginThrottle throttle,
    SessionIssuer sessions, MfaMethods mfa, AuditTrail audit, IOptions<SignupOptions> signup)
{
    // Unknown email and wrong password look the same, in content, in time and in throttling.
    // deviceUserId: the user this browser's device cookie proves it signed in to before.
    public async Task<SignInResult> SignInAsync(string normalizedEmail, string password, ClientInfo client,
        string clientKey, string? deviceUserId, DateTimeOffset now, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(normalizedEmail, ct);
        var knownDevice = user is not null && user.Id == deviceUserId;
        var attempt = await throttle.BeginLoginAsync(normalizedEmail, clientKey, knownDevice, now, ct);
        if (attempt.Verdict == AttemptVerdict.ThrottledAccountWide)
        {
            audit.LoginThrottledAccountWide(user?.Id, client.IpAddress, (int)Math.Ceiling(attempt.RetryAfter.TotalSeconds));
            return new SignInResult(SignInVerdict.ThrottledAccountWide, RetryAfter: attempt.RetryAfter);
        }
        if (attempt.Verdict == AttemptVerdict.Throttled)
        {
            audit.LoginThrottled(user?.Id, client.IpAddress, (int)Math.Ceiling(attempt.RetryAfter.TotalSeconds));
            return new SignInResult(SignInVerdict.Throttled, RetryAfter: attempt.RetryAfter);
        }

        var check = await hasher.VerifyAsync(user?.PasswordHash, password, ct);
        if (user is null || check == PasswordCheck.Failed)
        {
            audit.LoginFailed(user?.Id, client.IpAddress, attempt.FailureCount, throttle.MaxFailedLogins);
            return new SignInResult(SignInVerdict.WrongCredentials);
        }
        await throttle.SucceededAsync(normalizedEmail, clientKey, ct);
        // Only after the password: the refusals tell nothing to someone who does not hold it.
        if (RefusalOf(user, client) is { } refused) return refused;

        var verifiedHash = user.PasswordHash;
        if (check == PasswordCheck.SucceededNeedsRehash)
        {
            // Skipped when the password changed meanwhile: never bring an old password back.
            var rehash = await hasher.HashAsync(password, ct);
            if (await users.TryReplacePasswordHashAsync(user.Id, user.PasswordHash, rehash, ct)) verifiedHash = rehash;
        }

        // The password was right; an account with a second factor gets no session until it is proved.
        var methods = await mfa.SecondStepAsync(user.Id, ct);
        if (methods.Count > 0)
        {
            audit.MfaRequested(user.Id, client.IpAddress, string.Join(",", methods));
            return new SignInResult(SignInVerdict.MfaRequired) { PendingMfa = new PendingSecondFactor(user, verifiedHash, methods) };
        }
        return await StartSessionAsync(user, current => PasswordStillCurrentAsync(current, verifiedHash, password, ct),
            AuthenticationMethods.Password, client, now, ct);
    }

    // The end of every sign-in, once each factor is proved: start the session, make sure what was
    // proved still holds (credentialStillCurrent, judged on the account as re-read after the
    // session exists), record the login, apply the session cap. The second step of an MFA login
    // (and the lead's passkey login) comes here with its own amr.
    public async Task<SignInResult> StartSessionAsync(UserRecord user, Func<UserRecord, Task<bool>> credentialStillCurrent,
        IReadOnlyList<string> amr, ClientInfo client, DateTimeOffset now, CancellationToken ct)
    {
        var issued = await sessions.StartAsync(user, client, amr, now, ct);
        var current = await users.FindByIdAsync(user.Id, ct);
        if (current is null)
        {
            await sessions.AbandonAsync(issued, RevocationReasons.AccountDeleted, now, ct);
            return new SignInResult(SignInVerdict.WrongCredentials);
        }
        if (!await credentialStillCurrent(current))
        {
            await sessions.AbandonAsync(issued, RevocationReasons.PasswordChanged, now, ct);
            audit.LoginOvertakenByPasswordChange(user.Id, issued.SessionId, client.IpAddress);
            return new SignInResult(SignInVerdict.WrongCredentials);
        }
        // Disabled meanwhile: the disable's revoke-all may have run before this session existed
        // (the same reasoning as for a password change, below).
        if (current.Disabled)
        {
            await sessions.AbandonAsync(issued, RevocationReasons.AccountDisabled, now, ct);
            audit.LoginRefusedDisabled(user.Id, client.IpAddress);
            return new SignInResult(SignInVerdict.AccountDisabled);
        }
        audit.LoginSucceeded(user.Id, issued.SessionId, client.IpAddress);
        await users.RecordLoginAsync(user.Id, now, ct);
        // Only once this login's session counts: a login undone above ends nothing of the user's.
        if (await sessions.EndOldestBeyondCapAsync(user.Id, now, ct) is var capped and > 0)
            audit.OldestSessionsEnded(user.Id, capped, issued.SessionId);
        return new SignInResult(SignInVerdict.Succeeded, issued);
    }

    // What refuses an account whose credential was right (a password, a passkey): disabled, or
    // not verified where signup requires it.
    public SignInResult? RefusalOf(UserRecord user, ClientInfo client)
    {
        if (user.Disabled)
        {
            audit.LoginRefusedDisabled(user.Id, client.IpAddress);
            return new SignInResult(SignInVerdict.AccountDisabled);
        }
        if (signup.Value.RequireVerifiedEmail && !user.EmailVerified)
        {
            audit.LoginRefusedUnverified(user.Id, client.IpAddress);
            return new SignInResult(SignInVerdict.EmailNotVerified);
        }
        return null;
    }

    // A signed-in user's current password, asked again before a sensitive change: throttled like a
    // login, so a stolen access token is no way around the guessing budget.
    public async Task<SignInResult> ConfirmPasswordAsync(UserRecord user, string password, string clientKey,
        DateTimeOffset now, CancellationToken ct)
    {
        var attempt = await throttle.BeginAsync(user.NormalizedEmail, clientKey, now, ct);
        if (attempt.Verdict == AttemptVerdict.Throttled) return new SignInResult(SignInVerdict.Throttled, RetryAfter: attempt.RetryAfter);
        if (!await IsPasswordOfAsync(user, password, ct)) return new SignInResult(SignInVerdict.WrongCredentials);
        await throttle.SucceededAsync(user.NormalizedEmail, clientKey, ct);
        return new SignInResult(SignInVerdict.Succeeded);
    }

    // Unthrottled: for the service's own configuration (the seeded admin), never for a caller.
    public async Task<bool> IsPasswordOfAsync(UserRecord user, string password, CancellationToken ct) =>
        await hasher.VerifyAsync(user.PasswordHash, password, ct) != PasswordCheck.Failed;

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
    async Task<bool> PasswordStillCurrentAsync(UserRecord current, string verifiedHash, string password, CancellationToken ct) =>
        current.PasswordHash == verifiedHash || await IsPasswordOfAsync(current, password, ct);
}
