namespace MiniAuth.Storage;

// What an admin changes on an account; a null field stays as it is. Name is applied only when
// NameGiven (then null clears it).
public sealed record UserChanges(bool? Disabled = null, IReadOnlyList<string>? Roles = null, bool NameGiven = false, string? Name = null)
{
    public UserRecord ApplyTo(UserRecord user)
    {
        if (Disabled is { } disabled) user.Disabled = disabled;
        if (Roles is { } roles) user.Roles = [.. roles];
        if (NameGiven) user.Name = Name;
        return user;
    }

    // Would the change take role away from an enabled holder of it?
    public bool Unseats(UserRecord user, string role) =>
        IsEnabledHolder(user, role) && !IsEnabledHolder(ApplyTo(Copy(user)), role);

    public static bool IsEnabledHolder(UserRecord user, string role) => !user.Disabled && user.Roles.Contains(role);

    static UserRecord Copy(UserRecord user) => new() { Id = user.Id, Roles = [.. user.Roles], Disabled = user.Disabled, Name = user.Name };
}
