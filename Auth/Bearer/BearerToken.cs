namespace MiniAuth.Auth.Bearer;

public static class BearerToken
{
    // The token of an "Authorization: Bearer <token>" header, or null.
    public static string? From(HttpContext http)
    {
        string? header = http.Request.Headers.Authorization;
        const string scheme = "Bearer ";
        return header is not null && header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && header.Length > scheme.Length
            ? header[scheme.Length..].Trim()
            : null;
    }
}
