using MiniAuth.Auth.Audit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Api;

// The paging of /admin/audit and /profile/activity: `before` is the `next` of the previous page
// (an event id, opaque to clients), `limit` 1 to 200. A keyset, so events stored meanwhile never
// make a page repeat or skip one.
public static class AuditPages
{
    public const int DefaultLimit = 50, MaxLimit = 200;
    const int MaxFilterLength = 200;

    // The query from the raw parameters (bound as text, so a bad number is a validation error with
    // its field, not an unreadable request); null with errors filled when a value is invalid.
    public static AuditQuery? Read(string? userId, string? type, IReadOnlyCollection<string>? types, string? before, string? limit,
        Dictionary<string, string[]> errors)
    {
        var size = DefaultLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxLimit))
            errors["limit"] = [$"limit is a whole number from 1 to {MaxLimit}."];
        if (!string.IsNullOrEmpty(before) && !IsCursor(before))
            errors["before"] = ["before is the next of a previous page."];
        // A store may refuse control characters (PostgreSQL refuses NUL in text): no id or type has one.
        if (userId?.Length > MaxFilterLength || userId?.Any(char.IsControl) == true) errors["userId"] = ["userId is too long or holds control characters."];
        if (type?.Length > MaxFilterLength || type?.Any(char.IsControl) == true) errors["type"] = ["type is too long or holds control characters."];
        if (errors.Count > 0) return null;

        // An empty filter (`?userId=`) filters nothing.
        var ofType = string.IsNullOrEmpty(type) ? types : types is null || types.Contains(type) ? [type] : [];
        return new AuditQuery(NullIfEmpty(userId), ofType, NullIfEmpty(before), size);
    }

    // One more than asked tells whether a next page exists without a count.
    internal static async Task<AuditPageResponse> PageAsync(AuditWriter writer, IAuditStore store, AuditQuery query,
        Func<AuditEventRecord, AuditEventRecord> shape, CancellationToken ct)
    {
        await writer.CatchUpAsync(ct);
        var found = query.Types is { Count: 0 } ? [] : await store.ListAsync(query with { Limit = query.Limit + 1 }, ct);
        var page = found.Take(query.Limit).ToList();
        return new AuditPageResponse(
            page.Select(record => AuditEventResponse.From(shape(record))).ToList(),
            found.Count > query.Limit ? page[^1].Id : null);
    }

    // Event ids: 24 lower-case hex digits (see AuditEventLogger).
    static bool IsCursor(string value) => value.Length == 24 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
