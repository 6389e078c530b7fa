namespace MiniAuth.Storage;

// Why a session ended, as stored and as its 401 says.
public static class RevocationReasons
{
    public const string Logout = "logout";
    public const string RevokedByUser = "revoked by user";
    public const string ForcedByAdmin = "forced by admin";
    public const string ReuseDetected = "refresh token reuse detected";
    public const string PasswordChanged = "password changed";
}
