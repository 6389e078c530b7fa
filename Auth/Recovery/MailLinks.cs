using MiniAuth.Auth.Tokens;

namespace MiniAuth.Auth.Recovery;

// The links in mails. The token goes in the URL fragment, which browsers send to no server and
// put in no Referer: it reaches neither a proxy's log nor a third party.
public static class MailLinks
{
    // MiniAuth:PublicUrl when set. Without it, the origin the request came to, so that a hobby
    // install works without setup; behind a proxy, or anywhere a Host header can be forged,
    // PublicUrl must be set.
    public static string OriginOf(TokenOptions options, HttpContext http) =>
        options.PublicBaseUrl ?? $"{http.Request.Scheme}://{http.Request.Host}";

    public static string Reset(string origin, string token) => $"{origin}/#reset={token}";

    public static string Verify(string origin, string token) => $"{origin}/#verify={token}";

    public static string Invite(string origin, string code) => $"{origin}/#invite={code}";

    public static string Forgot(string origin) => $"{origin}/#forgot";
}
