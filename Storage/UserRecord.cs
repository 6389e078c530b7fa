namespace MiniAuth.Storage;

// Stored shapes never leave the API: endpoints map them to wire records.
public sealed class UserRecord
{
    public string Id { get; set; } = "";
    public string Email { get; set; } = "";
    // Trimmed, NFKC-normalized and upper-cased: the unique key that makes emails compare as one
    // mailbox (case and compatibility forms alike).
    public string NormalizedEmail { get; set; } = "";
    public string? Name { get; set; }
    public string PasswordHash { get; set; } = "";
    public List<string> Roles { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    // The owner proved the mailbox of Email (a verification or reset token reached them), or an
    // operator created the account.
    public bool EmailVerified { get; set; }
    // An admin disabled the account: it cannot sign in, refresh or reset its password.
    public bool Disabled { get; set; }
    // The last login that started a session; null before the first one (or before it was recorded).
    public DateTimeOffset? LastLoginAt { get; set; }

    // A copy nobody else holds (UserCache hands out one per read): the roles are a list of its own.
    public UserRecord Copy()
    {
        var copy = (UserRecord)MemberwiseClone();
        copy.Roles = [.. Roles];
        return copy;
    }

    // A new account; its id sorts by creation time.
    public static UserRecord Create(string email, string normalizedEmail, string? name, string passwordHash,
        List<string> roles, DateTimeOffset now, bool emailVerified = false) => new()
    {
        Id = Guid.CreateVersion7(now).ToString("N"),
        Email = email.Trim(),
        NormalizedEmail = normalizedEmail,
        Name = name,
        PasswordHash = passwordHash,
        Roles = roles,
        CreatedAt = now,
        EmailVerified = emailVerified,
    };
}
