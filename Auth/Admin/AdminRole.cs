namespace MiniAuth.Auth.Admin;

// The one role MiniAuth itself gives meaning to, and the policy of the routes that need it.
public static class AdminRole
{
    public const string Name = "admin";
    public const string Policy = "admin";
}
