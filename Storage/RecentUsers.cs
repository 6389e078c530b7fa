namespace MiniAuth.Storage;

// The user for the two reads made on nearly every request: GET /profile and the access token a
// restore issues. A copy may be up to UserCacheLifetime old when the notice of a change made on
// another instance is lost (UserCache). Nothing that decides about security reads through here:
// password checks, admin rights, second factors and recovery read the store, so they never act
// on a copy. (A disable or a password change ends the sessions anyway, in the session store.)
public sealed class RecentUsers(IUserStore users, UserCache cache)
{
    public async ValueTask<UserRecord?> FindAsync(string id, CancellationToken ct)
    {
        if (!cache.Enabled) return await users.FindByIdAsync(id, ct);
        if (cache.Find(id) is { } recent) return recent;
        var read = cache.BeginRead();
        var user = await users.FindByIdAsync(id, ct);
        if (user is not null) cache.Keep(user, read);
        return user;
    }
}
