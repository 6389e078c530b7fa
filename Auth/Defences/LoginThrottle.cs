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
public sealed class LoginThrottle(ILoginFailureStore failures, IOptions<RateLimitingOptions> options)
{
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

    public Task SucceededAsync(string normalizedEmail, string clientKey, CancellationToken ct) =>
        _options.Enabled ? failures.ClearAsync(Key(normalizedEmail, clientKey), ct) : Task.CompletedTask;

    // An opaque key: the store never holds the email or the address in clear.
    static string Key(string normalizedEmail, string clientKey) =>
        "login:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{normalizedEmail}\n{clientKey}")));
}
