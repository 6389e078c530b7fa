using System.Globalization;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// `admin rotate-signing-key` and `admin revoke-signing-key --kid K [--end-sessions]`.
public static class SigningKeyCommands
{
    public static async Task<int> RotateAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var rotated = await services.GetRequiredService<SigningKeyRing>().RotateAsync(ct);
        var signsFrom = rotated.SignsFrom.ToString("O", CultureInfo.InvariantCulture);
        services.GetRequiredService<AuditTrail>().CommandSigningKeyRotated(rotated.KeyId, signsFrom);
        // A service reads the store at start and every ReloadInterval: by SignsFrom every running
        // instance publishes the key, and one started later reads it at its start.
        output.WriteLine($"Key {rotated.KeyId} is published by the service at its next key reload (at start, or within " +
            $"MiniAuth:SigningKeys:ReloadInterval) and signs from {signsFrom} on; until then an older key signs. " +
            "Older keys keep verifying until their tokens have expired.");
        return AdminCommandRunner.Ok;
    }

    public static async Task<int> RevokeAsync(IServiceProvider services, AdminCommand command, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        if (command.Get("kid") is not { Length: > 0 } kid)
        {
            error.WriteLine("Name the key with --kid <kid> (the kid of its tokens' header, or of the JWKS).");
            return AdminCommandRunner.Failed;
        }
        var ring = services.GetRequiredService<SigningKeyRing>();
        // Loaded first, so that a store that cannot be opened (an encryption key missing) is not changed.
        await ring.LoadAsync(ct);
        if (await ring.RevokeAsync(kid, ct) is not { } revoked)
        {
            error.WriteLine($"There is no signing key {kid} in the store.");
            return AdminCommandRunner.Failed;
        }
        int? ended = null;
        if (command.Has("end-sessions"))
        {
            var sessions = services.GetRequiredService<ISessionStore>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            ended = 0;
            foreach (var user in await services.GetRequiredService<IUserStore>().ListAsync(ct))
                ended += await sessions.RevokeAllForUserAsync(user.Id, RevocationReasons.ForcedByAdmin, now, null, ct);
        }
        services.GetRequiredService<AuditTrail>().CommandSigningKeyRevoked(revoked.KeyId, revoked.SigningKeyId, ended);
        output.WriteLine($"Revoked key {revoked.KeyId}: every token it signed is refused from now on (by a running service " +
            $"within MiniAuth:SigningKeys:ReloadInterval). Key {revoked.SigningKeyId} signs now.");
        if (ended is not null) output.WriteLine($"Ended {ended} sessions.");
        return AdminCommandRunner.Ok;
    }
}
