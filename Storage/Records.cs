namespace MiniAuth.Storage;

// Stored shapes. They never leave the API: endpoints map them to wire records.

public sealed class UserRecord
{
    public string Id { get; set; } = "";
    public string Email { get; set; } = "";
    // Trimmed and upper-cased: the unique key that makes emails compare case-insensitively.
    public string NormalizedEmail { get; set; } = "";
    public string? Name { get; set; }
    public string PasswordHash { get; set; } = "";
    public List<string> Roles { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }

    // A new account; its id sorts by creation time.
    public static UserRecord Create(string email, string normalizedEmail, string? name, string passwordHash,
        List<string> roles, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now).ToString("N"),
        Email = email.Trim(),
        NormalizedEmail = normalizedEmail,
        Name = name,
        PasswordHash = passwordHash,
        Roles = roles,
        CreatedAt = now,
    };
}

public sealed class SessionRecord
{
    public string Id { get; set; } = "";
    public string UserId { get; set; } = "";
    // The one refresh token of the session that may be used now.
    public string CurrentJti { get; set; } = "";
    public DateTimeOffset CurrentIssuedAt { get; set; }
    // The token that CurrentJti replaced, honoured for RefreshReuseGrace after PreviousReplacedAt.
    public string? PreviousJti { get; set; }
    public DateTimeOffset? PreviousReplacedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset LastUsedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevocationReason { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now <= ExpiresAt;

    // The session after one successful rotation: the current token becomes the previous one.
    public void Apply(SessionRotation rotation)
    {
        PreviousJti = CurrentJti;
        PreviousReplacedAt = rotation.Now;
        CurrentJti = rotation.NewJti;
        CurrentIssuedAt = rotation.Now;
        LastUsedAt = rotation.Now;
        ExpiresAt = rotation.ExpiresAt;
    }
}

// The new state of a session after one successful rotation.
public sealed record SessionRotation(string NewJti, DateTimeOffset Now, DateTimeOffset ExpiresAt);

public static class RevocationReasons
{
    public const string Logout = "logout";
    public const string RevokedByUser = "revoked by user";
    public const string ForcedByAdmin = "forced by admin";
    public const string ReuseDetected = "refresh token reuse detected";
    public const string PasswordChanged = "password changed";
}

public sealed class SigningKeyRecord
{
    // The key id (kid) that tokens name in their header.
    public string Id { get; set; } = "";
    public string Algorithm { get; set; } = "ES256";
    // PKCS#8 DER of the P-256 private key.
    public byte[] PrivateKey { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
    // Set when a newer key took over signing; the key still verifies until its tokens have expired.
    public DateTimeOffset? RetiredAt { get; set; }
}

public sealed record LoginFailures(int Count, DateTimeOffset WindowEndsAt);

public sealed class LoginFailureRecord
{
    public string Id { get; set; } = "";
    public int Count { get; set; }
    public DateTimeOffset WindowEndsAt { get; set; }
}
