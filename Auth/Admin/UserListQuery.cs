using MiniAuth.Auth.Accounts;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// The paging of the user list, read the same for GET /admin/users and `admin list-users`: the
// search text upper-cased, the key after which the page starts, how many users it holds.
public sealed record UserListQuery(string? Search, UserPageKey? After, int Limit)
{
    public const int DefaultLimit = 50, MaxLimit = 100;
    const int MaxQueryLength = 254;

    // Null with errors filled (by field) when a value is invalid.
    public static UserListQuery? Read(string? query, string? cursor, int? limit, Dictionary<string, string[]> errors)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit) errors["limit"] = [$"The limit is 1 to {MaxLimit}."];
        var after = string.IsNullOrEmpty(cursor) ? null : UserCursor.TryRead(cursor);
        if (!string.IsNullOrEmpty(cursor) && after is null) errors["cursor"] = ["The cursor is not one this service gave out."];
        var search = string.IsNullOrWhiteSpace(query) ? null : UnicodeText.TryNormalize(query.Trim())?.ToUpperInvariant();
        if (!string.IsNullOrWhiteSpace(query) && (search is null || search.Length > MaxQueryLength || search.Any(char.IsControl)))
            errors["query"] = [$"The query is well-formed text of at most {MaxQueryLength} characters."];
        return errors.Count > 0 ? null : new UserListQuery(search, after, take);
    }

    // One more than asked tells whether a next page exists: the page and the cursor of the next.
    public async Task<(IReadOnlyList<UserRecord> Items, string? Next)> PageAsync(IUserStore users, CancellationToken ct)
    {
        var found = await users.ListPageAsync(Search, After, Limit + 1, ct);
        var items = found.Take(Limit).ToList();
        return (items, found.Count > Limit ? UserCursor.Of(items[^1]) : null);
    }
}
