namespace MiniAuth.Storage;

// Where a page of users ends: the last user's creation time and id. Ids are unique, so the pair
// is a total order that new users (created later) only ever extend.
public sealed record UserPageKey(DateTimeOffset CreatedAt, string Id)
{
    public bool IsBefore(UserRecord user) =>
        user.CreatedAt > CreatedAt || (user.CreatedAt == CreatedAt && string.CompareOrdinal(user.Id, Id) > 0);

    public static UserPageKey Of(UserRecord user) => new(user.CreatedAt, user.Id);
}
