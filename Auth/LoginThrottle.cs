using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

// Who "the client" is for the limits: its IP address, an IPv6 client by its /64 (one host
// usually holds the whole prefix, so single addresses would be free to rotate).
public static class ClientAddress
{
    public static string KeyOf(HttpContext http) => KeyOf(http.Connection.RemoteIpAddress);

    public static string KeyOf(IPAddress? address)
    {
        if (address is null) return "-";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

public enum AttemptVerdict { Allowed, Throttled }

public sealed record Attempt(AttemptVerdict Verdict, int FailureCount, TimeSpan RetryAfter);

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
