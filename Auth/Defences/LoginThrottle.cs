using System.Security.Cryptography;
using System.Text;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Defences;

// Failed logins per account and client, counted in the store (ILoginFailureStore) so that a
// restart does not hand an attacker a fresh budget. The email is counted whether or not an
// account has it, so a 429 tells nothing about which emails exist.
//
// Every attempt is counted before the password is checked and a success clears the count: the
// store's atomic increment then bounds the guesses even when they arrive all at once.
//
// Logins are also counted per account alone, over an hour, so that many addresses together
// cannot multiply the per-client budget. That count is never cleared: the owner's success must
// not hand the attacker a fresh hour. A browser that signed in to the account before (its device
// cookie) is judged by the per-client rule alone, so a stranger cannot lock the owner out.
public sealed class LoginThrottle(ILoginFailureStore failures, IOptions<RateLimitingOptions> options)
{
    public static readonly TimeSpan AccountWindow = TimeSpan.FromHours(1);

    readonly RateLimitingOptions _options = options.Value;

    public int MaxFailedLogins => _options.MaxFailedLogins;

    public async Task<Attempt> BeginAsync(string normalizedEmail, string clientKey, DateTimeOffset now, CancellationToken ct)
    {
        if (!_options.Enabled) return new Attempt(AttemptVerdict.Allowed, 0, TimeSpan.Zero);
        var counted = await failures.RecordFailureAsync(Key(normalizedEmail, clientKey), now, _options.Window, ct);
        return counted.Count > _options.MaxFailedLogins
            ? new Attempt(AttemptVerdict.Throttled, counted.Count - 1, counted.WindowEndsAt - now)
            : new Attempt(AttemptVerdict.Allowed, counted.Count, TimeSpan.Zero);
    }

    // A login: the per-client rule, then the account-wide one unless knownDevice.
    public async Task<Attempt> BeginLoginAsync(string normalizedEmail, string clientKey, bool knownDevice,
        DateTimeOffset now, CancellationToken ct)
    {
        var attempt = await BeginAsync(normalizedEmail, clientKey, now, ct);
        // Only attempts the per-client rule let through are guesses: one client's refused ones
        // must not lock the account for everybody (it spends at most MaxFailedLogins a window).
        if (!_options.Enabled || attempt.Verdict == AttemptVerdict.Throttled) return attempt;
        // Counted for the known device too: whoever holds it spends the same hour.
        var account = await failures.RecordFailureAsync(AccountKey(normalizedEmail), now, AccountWindow, ct);
        if (knownDevice || account.Count <= _options.AccountFailuresPerHour) return attempt;
        return new Attempt(AttemptVerdict.ThrottledAccountWide, attempt.FailureCount, account.WindowEndsAt - now);
    }

    public Task SucceededAsync(string normalizedEmail, string clientKey, CancellationToken ct) =>
        _options.Enabled ? failures.ClearAsync(Key(normalizedEmail, clientKey), ct) : Task.CompletedTask;

    // Opaque keys: the store never holds the email or the address in clear.
    static string Key(string normalizedEmail, string clientKey) =>
        "login:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{normalizedEmail}\n{clientKey}")));

    static string AccountKey(string normalizedEmail) =>
        "login-account:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));
}
