using System.Globalization;
using System.Text;
using Microsoft.IdentityModel.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// listUsers' `next`: the key of a page's last user, base64url so that clients treat it as
// opaque. A key, not an offset: users who sign up meanwhile shift nothing.
public static class UserCursor
{
    public static string Of(UserRecord user) =>
        Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes($"{user.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}.{user.Id}"));

    public static UserPageKey? TryRead(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(cursor));
            var dot = text.IndexOf('.');
            // A store may refuse control characters (PostgreSQL refuses NUL in text).
            if (dot <= 0 || dot == text.Length - 1 || text.Length > 200 || text.Any(char.IsControl)) return null;
            if (!long.TryParse(text[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks > DateTimeOffset.MaxValue.UtcTicks) return null;
            return new UserPageKey(new DateTimeOffset(ticks, TimeSpan.Zero), text[(dot + 1)..]);
        }
        catch (FormatException) { return null; }
        catch (ArgumentException) { return null; }
    }
}
