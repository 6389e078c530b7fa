namespace MiniAuth.Storage;

// Why a session ended, as stored and as its 401 says (`reason`, docs/http-api.md).
public static class RevocationReasons
{
    public const string Logout = "logout";
    public const string RevokedByUser = "revoked";
    public const string ForcedByAdmin = "forced_logout";
    public const string ReuseDetected = "reuse_detected";
    public const string PasswordChanged = "password_changed";
    public const string PasswordReset = "password_reset";
    public const string AccountDeleted = "account_deleted";
    public const string AccountDisabled = "account_disabled";

    // Sessions ended before the reasons were codes stored these phrases.
    public static string Normalize(string stored) => stored switch
    {
        "revoked by user" => RevokedByUser,
        "forced by admin" => ForcedByAdmin,
        "refresh token reuse detected" => ReuseDetected,
        "password changed" => PasswordChanged,
        _ => stored,
    };
}
