using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Browser;

// Front ends on other origins: only the listed ones may call with credentials (the refresh
// cookie), and only they may read the answers. An empty list means same-origin only.
public sealed class CorsAllowListOptions : IValidatableObject
{
    public const string Section = "MiniAuth:Cors";

    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var origin in AllowedOrigins)
        {
            if (ParseOrigin(origin) is null)
                yield return new ValidationResult(
                    $"MiniAuth:Cors:AllowedOrigins holds '{origin}': each entry must be an origin such as https://app.example.com " +
                    "(http or https, a host, an optional port, no path, no wildcard).",
                    [nameof(AllowedOrigins)]);
        }
    }

    // A wildcard can never go with credentials, and a path or query is never part of an origin.
    internal static string? ParseOrigin(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Contains('*')) return null;
        if (!Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/"
            || uri.Query.Length > 0 || uri.Fragment.Length > 0 || origin.TrimEnd().EndsWith('/'))
            return null;
        return uri.GetLeftPart(UriPartial.Authority);
    }
}
