namespace MiniAuth.Auth.Audit;

// The security events, as structured logs under the category MiniAuth.Auth.AuditTrail: who (user
// id), which session, from where (client IP). Never an email, a password, a token or a hash.
public sealed partial class AuditTrail(ILoggerFactory loggers)
{
    // The category operators filter on; it stays put wherever the class lives.
    public const string Category = "MiniAuth.Auth.AuditTrail";

    readonly ILogger _logger = loggers.CreateLogger(Category);

    [LoggerMessage(EventId = 3001, EventName = "SignedUp", Level = LogLevel.Information,
        Message = "Signup: user {UserId} from {ClientIp}")]
    public partial void SignedUp(string userId, string? clientIp);

    [LoggerMessage(EventId = 3002, EventName = "LoginSucceeded", Level = LogLevel.Information,
        Message = "Login: user {UserId} started session {SessionId} from {ClientIp}")]
    public partial void LoginSucceeded(string userId, string sessionId, string? clientIp);

    // UserId is null when the email names no account.
    [LoggerMessage(EventId = 3003, EventName = "LoginFailed", Level = LogLevel.Warning,
        Message = "Login failed: user {UserId} from {ClientIp}, failure {FailureCount} of {MaxFailedLogins} in the window")]
    public partial void LoginFailed(string? userId, string? clientIp, int failureCount, int maxFailedLogins);

    [LoggerMessage(EventId = 3004, EventName = "LoginThrottled", Level = LogLevel.Warning,
        Message = "Login throttled: user {UserId} from {ClientIp} for {RetryAfterSeconds} s")]
    public partial void LoginThrottled(string? userId, string? clientIp, int retryAfterSeconds);

    [LoggerMessage(EventId = 3005, EventName = "ClientRateLimited", Level = LogLevel.Warning,
        Message = "Per-IP limit reached on {Path} from {ClientIp}")]
    public partial void ClientRateLimited(string path, string? clientIp);

    // The password was right when verified but changed before the login's session could count.
    [LoggerMessage(EventId = 3006, EventName = "LoginOvertakenByPasswordChange", Level = LogLevel.Warning,
        Message = "Login undone: user {UserId} session {SessionId} from {ClientIp} was ended because the password changed while it was being created")]
    public partial void LoginOvertakenByPasswordChange(string userId, string sessionId, string? clientIp);

    // Every client together spent the account's hourly budget; UserId is null when the email names
    // no account.
    [LoggerMessage(EventId = 3007, EventName = "LoginThrottledAccountWide", Level = LogLevel.Warning,
        Message = "Login throttled account-wide: user {UserId} from {ClientIp} for {RetryAfterSeconds} s")]
    public partial void LoginThrottledAccountWide(string? userId, string? clientIp, int retryAfterSeconds);

    [LoggerMessage(EventId = 3010, EventName = "TokenRefreshed", Level = LogLevel.Information,
        Message = "Refresh: user {UserId} session {SessionId} from {ClientIp}")]
    public partial void TokenRefreshed(string userId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3011, EventName = "RefreshRefused", Level = LogLevel.Information,
        Message = "Refresh refused: user {UserId} session {SessionId} from {ClientIp}: {Reason}")]
    public partial void RefreshRefused(string? userId, string? sessionId, string? clientIp, string reason);

    [LoggerMessage(EventId = 3012, EventName = "RefreshReuseDetected", Level = LogLevel.Warning,
        Message = "Refresh token reuse: user {UserId} session {SessionId} revoked, token presented from {ClientIp}")]
    public partial void RefreshReuseDetected(string userId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3020, EventName = "LoggedOut", Level = LogLevel.Information,
        Message = "Logout: user {UserId} session {SessionId} from {ClientIp}")]
    public partial void LoggedOut(string userId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3021, EventName = "SessionRevoked", Level = LogLevel.Information,
        Message = "Session revoked: user {UserId} ended session {RevokedSessionId} from session {SessionId} at {ClientIp}")]
    public partial void SessionRevoked(string userId, string revokedSessionId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3022, EventName = "AllSessionsRevoked", Level = LogLevel.Information,
        Message = "All sessions revoked: user {UserId} ended {Count} sessions from session {SessionId} at {ClientIp}")]
    public partial void AllSessionsRevoked(string userId, int count, string sessionId, string? clientIp);

    // The login of SessionId took the user past MiniAuth:MaxSessionsPerUser.
    [LoggerMessage(EventId = 3023, EventName = "OldestSessionsEnded", Level = LogLevel.Information,
        Message = "Session limit: user {UserId} started session {SessionId}; their {Count} oldest sessions were ended")]
    public partial void OldestSessionsEnded(string userId, int count, string sessionId);

    [LoggerMessage(EventId = 3030, EventName = "ProfileUpdated", Level = LogLevel.Information,
        Message = "Profile updated: user {UserId} session {SessionId} from {ClientIp}")]
    public partial void ProfileUpdated(string userId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3031, EventName = "PasswordChanged", Level = LogLevel.Information,
        Message = "Password changed: user {UserId} session {SessionId} from {ClientIp}; {RevokedCount} other sessions ended")]
    public partial void PasswordChanged(string userId, string sessionId, string? clientIp, int revokedCount);

    [LoggerMessage(EventId = 3032, EventName = "PasswordChangeFailed", Level = LogLevel.Warning,
        Message = "Password change refused (wrong current password): user {UserId} session {SessionId} from {ClientIp}")]
    public partial void PasswordChangeFailed(string userId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3040, EventName = "AdminForcedLogout", Level = LogLevel.Warning,
        Message = "Forced logout: admin {AdminId} (session {SessionId}, {ClientIp}) ended {Count} sessions of user {UserId}")]
    public partial void AdminForcedLogout(string adminId, string sessionId, string? clientIp, string userId, int count);

    [LoggerMessage(EventId = 3041, EventName = "AdminListedSessions", Level = LogLevel.Information,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) listed the sessions of user {UserId}")]
    public partial void AdminListedSessions(string adminId, string sessionId, string? clientIp, string userId);

    [LoggerMessage(EventId = 3042, EventName = "AdminSeeded", Level = LogLevel.Information,
        Message = "Admin account from MiniAuth:Admin: user {UserId} {Outcome}")]
    public partial void AdminSeeded(string userId, string outcome);

    [LoggerMessage(EventId = 3043, EventName = "AdminSeedRefused", Level = LogLevel.Error,
        Message = "MiniAuth:Admin:Email names an existing account (user {UserId}) that is not an admin and whose password is not MiniAuth:Admin:Password; it was NOT promoted. Set MiniAuth:Admin:Password to that account's password to promote it, or configure another email.")]
    public partial void AdminSeedRefused(string userId);

    [LoggerMessage(EventId = 3050, EventName = "CommandUserCreated", Level = LogLevel.Information,
        Message = "Admin command: created user {UserId} with roles {Roles}")]
    public partial void CommandUserCreated(string userId, string roles);

    [LoggerMessage(EventId = 3051, EventName = "CommandSessionsEnded", Level = LogLevel.Warning,
        Message = "Admin command: ended {Count} sessions of user {UserId}")]
    public partial void CommandSessionsEnded(string userId, int count);

    [LoggerMessage(EventId = 3052, EventName = "CommandSigningKeyRotated", Level = LogLevel.Warning,
        Message = "Admin command: rotated the signing key; key {KeyId} is published at the service's next key reload and signs from {SignsFrom}")]
    public partial void CommandSigningKeyRotated(string keyId, string signsFrom);

    [LoggerMessage(EventId = 3054, EventName = "CommandResetLinkCreated", Level = LogLevel.Warning,
        Message = "Admin command: created a password reset link for user {UserId}")]
    public partial void CommandResetLinkCreated(string userId);

    // A compromised key: its tokens are refused from now on; EndedSessions is null when sessions were left alone.
    [LoggerMessage(EventId = 3053, EventName = "CommandSigningKeyRevoked", Level = LogLevel.Warning,
        Message = "Admin command: revoked the signing key {KeyId}; key {SigningKeyId} signs now; {EndedSessions} sessions ended")]
    public partial void CommandSigningKeyRevoked(string keyId, string signingKeyId, int? endedSessions);

    // UserId is null when the email names no account: the log tells no more than the answer did.
    [LoggerMessage(EventId = 3060, EventName = "PasswordResetRequested", Level = LogLevel.Information,
        Message = "Password reset requested: user {UserId} from {ClientIp}")]
    public partial void PasswordResetRequested(string? userId, string? clientIp);

    [LoggerMessage(EventId = 3061, EventName = "PasswordResetSuppressed", Level = LogLevel.Warning,
        Message = "Password reset request over the hourly mail limit of its address, no mail sent: user {UserId} from {ClientIp}")]
    public partial void PasswordResetSuppressed(string? userId, string? clientIp);

    [LoggerMessage(EventId = 3062, EventName = "PasswordReset", Level = LogLevel.Warning,
        Message = "Password reset: user {UserId} from {ClientIp}; {EndedSessions} sessions ended")]
    public partial void PasswordReset(string userId, string? clientIp, int endedSessions);

    // A bad, used or expired token from a mail; Operation is the route's operationId.
    [LoggerMessage(EventId = 3063, EventName = "AccountTokenRefused", Level = LogLevel.Warning,
        Message = "One-time token refused on {Operation} from {ClientIp}")]
    public partial void AccountTokenRefused(string operation, string? clientIp);

    [LoggerMessage(EventId = 3064, EventName = "EmailVerified", Level = LogLevel.Information,
        Message = "Email verified: user {UserId} from {ClientIp}")]
    public partial void EmailVerified(string userId, string? clientIp);

    [LoggerMessage(EventId = 3065, EventName = "EmailChangeRequested", Level = LogLevel.Information,
        Message = "Email change requested: user {UserId} session {SessionId} from {ClientIp}")]
    public partial void EmailChangeRequested(string userId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3066, EventName = "EmailChanged", Level = LogLevel.Warning,
        Message = "Email changed: user {UserId} from {ClientIp}; the old address was notified")]
    public partial void EmailChanged(string userId, string? clientIp);

    [LoggerMessage(EventId = 3067, EventName = "AccountDeleted", Level = LogLevel.Warning,
        Message = "Account deleted by its owner: user {UserId} session {SessionId} from {ClientIp}; {EndedSessions} sessions ended")]
    public partial void AccountDeleted(string userId, string sessionId, string? clientIp, int endedSessions);

    // Operation is the route's operationId (changeEmail, deleteAccount).
    [LoggerMessage(EventId = 3068, EventName = "CurrentPasswordRefused", Level = LogLevel.Warning,
        Message = "{Operation} refused (wrong current password): user {UserId} session {SessionId} from {ClientIp}")]
    public partial void CurrentPasswordRefused(string operation, string userId, string sessionId, string? clientIp);

    // The password was right; only the unverified email kept the session from starting.
    [LoggerMessage(EventId = 3069, EventName = "LoginRefusedUnverified", Level = LogLevel.Information,
        Message = "Login refused, email not verified: user {UserId} from {ClientIp}")]
    public partial void LoginRefusedUnverified(string userId, string? clientIp);

    [LoggerMessage(EventId = 3070, EventName = "VerificationMailRequested", Level = LogLevel.Information,
        Message = "Verification mail requested: user {UserId} session {SessionId} from {ClientIp}")]
    public partial void VerificationMailRequested(string userId, string sessionId, string? clientIp);

    // Administration. Never the search text of a listing (it may be an email) nor a name.
    [LoggerMessage(EventId = 3080, EventName = "AdminListedUsers", Level = LogLevel.Information,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) listed {Count} users (searched: {Searched})")]
    public partial void AdminListedUsers(string adminId, string sessionId, string? clientIp, int count, bool searched);

    [LoggerMessage(EventId = 3081, EventName = "AdminViewedUser", Level = LogLevel.Information,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) viewed user {UserId}")]
    public partial void AdminViewedUser(string adminId, string sessionId, string? clientIp, string userId);

    // Changes: the fields set, with the new disabled and roles values ("disabled=true roles=admin,editor name").
    [LoggerMessage(EventId = 3082, EventName = "AdminUpdatedUser", Level = LogLevel.Warning,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) updated user {UserId}: {Changes}; {EndedSessions} sessions ended")]
    public partial void AdminUpdatedUser(string adminId, string sessionId, string? clientIp, string userId, string changes, int endedSessions);

    [LoggerMessage(EventId = 3083, EventName = "AdminDeletedUser", Level = LogLevel.Warning,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) deleted user {UserId}; {EndedSessions} sessions ended")]
    public partial void AdminDeletedUser(string adminId, string sessionId, string? clientIp, string userId, int endedSessions);

    [LoggerMessage(EventId = 3084, EventName = "AdminCreatedResetLink", Level = LogLevel.Warning,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) created a password reset link for user {UserId}")]
    public partial void AdminCreatedResetLink(string adminId, string sessionId, string? clientIp, string userId);

    // Code: last_admin or cannot_change_self.
    [LoggerMessage(EventId = 3085, EventName = "AdminChangeRefused", Level = LogLevel.Warning,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) was refused {Operation} of user {UserId}: {Code}")]
    public partial void AdminChangeRefused(string adminId, string sessionId, string? clientIp, string operation, string userId, string code);

    // InviteId: a prefix of the stored hash, never the code; EmailPinned, never the email.
    [LoggerMessage(EventId = 3086, EventName = "AdminCreatedInvite", Level = LogLevel.Information,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) created invite {InviteId} with roles {Roles} (email pinned: {EmailPinned})")]
    public partial void AdminCreatedInvite(string adminId, string sessionId, string? clientIp, string inviteId, string roles, bool emailPinned);

    [LoggerMessage(EventId = 3087, EventName = "CommandInviteCreated", Level = LogLevel.Information,
        Message = "Admin command: created invite {InviteId} with roles {Roles} (email pinned: {EmailPinned})")]
    public partial void CommandInviteCreated(string inviteId, string roles, bool emailPinned);

    [LoggerMessage(EventId = 3088, EventName = "InviteRedeemed", Level = LogLevel.Information,
        Message = "Invite {InviteId} redeemed: user {UserId} signed up with roles {Roles} from {ClientIp}")]
    public partial void InviteRedeemed(string userId, string inviteId, string roles, string? clientIp);

    // Reason: Closed, InviteRequired or EmailDomainNotAllowed.
    [LoggerMessage(EventId = 3089, EventName = "SignupRefused", Level = LogLevel.Information,
        Message = "Signup refused ({Reason}) from {ClientIp}")]
    public partial void SignupRefused(string reason, string? clientIp);

    // The password was right; the account is disabled.
    [LoggerMessage(EventId = 3090, EventName = "LoginRefusedDisabled", Level = LogLevel.Warning,
        Message = "Login refused, account disabled: user {UserId} from {ClientIp}")]
    public partial void LoginRefusedDisabled(string userId, string? clientIp);

    // Admin command line parity and the admin socket (3140–3159).
    // Changes: "disabled=true" or "roles=admin,editor".
    [LoggerMessage(EventId = 3140, EventName = "CommandUserUpdated", Level = LogLevel.Warning,
        Message = "Admin command: updated user {UserId}: {Changes}; {EndedSessions} sessions ended")]
    public partial void CommandUserUpdated(string userId, string changes, int endedSessions);

    [LoggerMessage(EventId = 3141, EventName = "CommandUserDeleted", Level = LogLevel.Warning,
        Message = "Admin command: deleted user {UserId}; {EndedSessions} sessions ended")]
    public partial void CommandUserDeleted(string userId, int endedSessions);

    // Code: last_admin.
    [LoggerMessage(EventId = 3142, EventName = "CommandChangeRefused", Level = LogLevel.Warning,
        Message = "Admin command: {Operation} of user {UserId} refused: {Code}")]
    public partial void CommandChangeRefused(string operation, string userId, string code);

    [LoggerMessage(EventId = 3143, EventName = "CommandListedUsers", Level = LogLevel.Information,
        Message = "Admin command: listed {Count} users (searched: {Searched})")]
    public partial void CommandListedUsers(int count, bool searched);

    [LoggerMessage(EventId = 3144, EventName = "CommandStoreBackedUp", Level = LogLevel.Warning,
        Message = "Admin command: backed up the store to {BackupPath} ({Bytes} bytes)")]
    public partial void CommandStoreBackedUp(string backupPath, long bytes);

    [LoggerMessage(EventId = 3145, EventName = "CommandStoreRestored", Level = LogLevel.Warning,
        Message = "Admin command: restored the store from {BackupPath}; the store it replaced is kept as {KeptAs}")]
    public partial void CommandStoreRestored(string backupPath, string? keptAs);

    // A process of another account reached the admin socket (the folder's mode should stop it).
    [LoggerMessage(EventId = 3146, EventName = "AdminSocketRefused", Level = LogLevel.Warning,
        Message = "Admin socket: refused a connection from uid {PeerUid} (pid {PeerPid}); only the service account may use it")]
    public partial void AdminSocketRefused(long peerUid, long peerPid);

    // A login from a browser without the device cookie of this account (a new device, or one cleared).
    [LoggerMessage(EventId = 3147, EventName = "NewDeviceSignIn", Level = LogLevel.Information,
        Message = "Sign-in from a new device: user {UserId} session {SessionId} from {ClientIp}")]
    public partial void NewDeviceSignIn(string userId, string sessionId, string? clientIp);
}
