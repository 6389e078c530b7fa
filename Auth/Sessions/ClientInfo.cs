namespace MiniAuth.Auth.Sessions;

// Where a session was started from, as the caller's device and address.
public sealed record ClientInfo(string? IpAddress, string? UserAgent)
{
    const int MaxUserAgentLength = 512;

    public static ClientInfo From(HttpContext http)
    {
        string? agent = http.Request.Headers.UserAgent;
        if (agent?.Length > MaxUserAgentLength) agent = agent[..MaxUserAgentLength];
        return new(http.Connection.RemoteIpAddress?.ToString(), agent);
    }
}
