using System.Text.Json.Nodes;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Audit;

// What a user sees of the trail (GET /profile/activity): what they did (a sign-in from a new device
// among it), or what was done to their account. Not the attempts of others (failed logins, throttles, reset requests: someone else's
// address, and the user could do nothing with it), nor the routine (every refresh).
public static class ActivityEvents
{
    public static readonly IReadOnlyCollection<string> Types =
    [
        "SignedUp", "LoginSucceeded", "LoggedOut", "SessionRevoked", "AllSessionsRevoked", "OldestSessionsEnded",
        "RefreshReuseDetected", "ProfileUpdated", "PasswordChanged", "PasswordReset", "EmailVerified",
        "EmailChangeRequested", "EmailChanged", "VerificationMailRequested", "AdminForcedLogout",
        "CommandUserCreated", "CommandSessionsEnded", "CommandResetLinkCreated", "NewDeviceSignIn",
        "TotpEnabled", "TotpRemoved", "RecoveryCodeUsed", "AdminResetMfa",
        "PasskeyAdded", "PasskeyRemoved",
    ];

    // An event an admin caused on the user's account carries the admin's id, session and address:
    // the user learns that it happened, not who did it from where.
    public static AuditEventRecord ForOwner(AuditEventRecord record)
    {
        if (record.Detail is null || JsonNode.Parse(record.Detail) is not JsonObject detail || !detail.ContainsKey("adminId"))
            return record;
        detail.Remove("adminId");
        return new AuditEventRecord
        {
            Id = record.Id,
            At = record.At,
            Type = record.Type,
            UserId = record.UserId,
            Detail = detail.Count == 0 ? null : detail.ToJsonString(),
        };
    }
}
