namespace MiniAuth.Auth.Audit;

// The second factors' events: TOTP and recovery codes (3100-3119), passkeys (3120-3139).
public sealed partial class AuditTrail
{
    // Multi-factor sign-in (3100-3119). Never a secret, a code or a recovery code.
    [LoggerMessage(EventId = 3100, EventName = "TotpEnabled", Level = LogLevel.Warning,
        Message = "TOTP enabled: user {UserId} session {SessionId} from {ClientIp}")]
    public partial void TotpEnabled(string userId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3101, EventName = "TotpRemoved", Level = LogLevel.Warning,
        Message = "TOTP removed: user {UserId} session {SessionId} from {ClientIp}; {EndedSessions} other sessions ended")]
    public partial void TotpRemoved(string userId, string sessionId, string? clientIp, int endedSessions);

    [LoggerMessage(EventId = 3102, EventName = "RecoveryCodeUsed", Level = LogLevel.Warning,
        Message = "Recovery code used: user {UserId} from {ClientIp}; {RemainingCodes} left")]
    public partial void RecoveryCodeUsed(string userId, string? clientIp, int remainingCodes);

    // Method: totp or recovery_code.
    [LoggerMessage(EventId = 3103, EventName = "MfaFailed", Level = LogLevel.Warning,
        Message = "Second factor refused ({Method}): user {UserId} from {ClientIp}, attempt {Attempt} of {MaxAttempts}")]
    public partial void MfaFailed(string userId, string? clientIp, string method, int attempt, int maxAttempts);

    [LoggerMessage(EventId = 3104, EventName = "MfaTokenExhausted", Level = LogLevel.Warning,
        Message = "MFA token ended after too many wrong codes: user {UserId} from {ClientIp}")]
    public partial void MfaTokenExhausted(string userId, string? clientIp);

    [LoggerMessage(EventId = 3105, EventName = "AdminResetMfa", Level = LogLevel.Warning,
        Message = "Admin {AdminId} (session {SessionId}, {ClientIp}) removed the second factors of user {UserId} (TOTP on: {HadTotp}); {EndedSessions} sessions ended")]
    public partial void AdminResetMfa(string adminId, string sessionId, string? clientIp, string userId, bool hadTotp, int endedSessions);

    // The password was right; the login waits for its second factor.
    [LoggerMessage(EventId = 3106, EventName = "MfaRequested", Level = LogLevel.Information,
        Message = "Login needs a second factor: user {UserId} from {ClientIp} ({Methods})")]
    public partial void MfaRequested(string userId, string? clientIp, string methods);

    [LoggerMessage(EventId = 3107, EventName = "MfaSucceeded", Level = LogLevel.Information,
        Message = "Second factor accepted ({Method}): user {UserId} from {ClientIp}")]
    public partial void MfaSucceeded(string userId, string? clientIp, string method);

    [LoggerMessage(EventId = 3108, EventName = "TotpEnrolmentStarted", Level = LogLevel.Information,
        Message = "TOTP enrolment started: user {UserId} session {SessionId} from {ClientIp}")]
    public partial void TotpEnrolmentStarted(string userId, string sessionId, string? clientIp);

    // An unknown, used, expired or foreign MFA token. UserId is null when the token named nobody.
    [LoggerMessage(EventId = 3109, EventName = "MfaTokenRefused", Level = LogLevel.Information,
        Message = "MFA token refused: user {UserId} from {ClientIp}")]
    public partial void MfaTokenRefused(string? userId, string? clientIp);

    // Passkeys (3120-3139). PasskeyId is MiniAuth's id of the passkey, never the credential or any of it.
    [LoggerMessage(EventId = 3120, EventName = "PasskeyAdded", Level = LogLevel.Information,
        Message = "Passkey added: user {UserId} passkey {PasskeyId} from session {SessionId} at {ClientIp}")]
    public partial void PasskeyAdded(string userId, string passkeyId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3121, EventName = "PasskeyRemoved", Level = LogLevel.Information,
        Message = "Passkey removed: user {UserId} passkey {PasskeyId} from session {SessionId} at {ClientIp}")]
    public partial void PasskeyRemoved(string userId, string passkeyId, string sessionId, string? clientIp);

    [LoggerMessage(EventId = 3122, EventName = "PasskeySignedIn", Level = LogLevel.Information,
        Message = "Passkey sign-in: user {UserId} passkey {PasskeyId} started session {SessionId} from {ClientIp}")]
    public partial void PasskeySignedIn(string userId, string passkeyId, string sessionId, string? clientIp);

    // UserId and PasskeyId are null when the credential names no passkey (or none of that user's).
    [LoggerMessage(EventId = 3123, EventName = "PasskeyAssertionRefused", Level = LogLevel.Warning,
        Message = "Passkey assertion refused: user {UserId} passkey {PasskeyId} from {ClientIp}: {Reason}")]
    public partial void PasskeyAssertionRefused(string? userId, string? passkeyId, string reason, string? clientIp);

    // A counter-using authenticator's counter did not move forward: the passkey may have been cloned.
    [LoggerMessage(EventId = 3124, EventName = "PasskeySignCounterWentBack", Level = LogLevel.Warning,
        Message = "Passkey refused, sign counter not above the stored {StoredCount} (presented {PresentedCount}): user {UserId} passkey {PasskeyId} from {ClientIp}; it may have been cloned")]
    public partial void PasskeySignCounterWentBack(string userId, string passkeyId, long storedCount, long? presentedCount, string? clientIp);

    [LoggerMessage(EventId = 3125, EventName = "PasskeyRegistrationRefused", Level = LogLevel.Warning,
        Message = "Passkey registration refused: user {UserId} session {SessionId} from {ClientIp}: {Reason}")]
    public partial void PasskeyRegistrationRefused(string userId, string sessionId, string? clientIp, string reason);
}
