using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Passkeys;

// Checking a passkey assertion: for a sign-in with the passkey alone (discoverable credential, no
// user named, empty allowCredentials) or as a second factor for one given user. Every refusal is
// audited here, so each caller gets the same trail.
public sealed class PasskeyVerifier(PasskeyRelyingParty party, PasskeyChallenges challenges, IPasskeyStore passkeys, AuditTrail audit)
{
    // userId: null for a sign-in with the passkey alone; a user, for a second factor: then only
    // that user's passkeys are allowed, and the challenge is bound to that user.
    public async Task<PasskeyCeremony> StartAsync(string? userId, DateTimeOffset now, CancellationToken ct)
    {
        if (party.Fido2 is not { } fido2) return new PasskeyCeremony(PasskeyVerdict.NotConfigured);
        IReadOnlyList<PublicKeyCredentialDescriptor> allowed = userId is null ? []
            : [.. (await passkeys.ListForUserAsync(userId, ct)).Select(PasskeyCredentials.DescriptorOf)];
        var request = fido2.GetAssertionOptions(new GetAssertionOptionsParams
        {
            AllowedCredentials = allowed,
            UserVerification = UserVerificationRequirement.Required,
        });
        var json = request.ToJson();
        await challenges.KeepAsync(request.Challenge, AccountTokenKinds.PasskeyLogin, userId ?? "", json, now, ct);
        return new PasskeyCeremony(PasskeyVerdict.Verified, json);
    }

    // expectedUserId: as given to StartAsync. Verified: the passkey, its counter and last use updated.
    public async Task<PasskeyResult> VerifyAsync(JsonElement? credential, string? expectedUserId, string? clientIp,
        DateTimeOffset now, CancellationToken ct)
    {
        if (party.Fido2 is not { } fido2) return new PasskeyResult(PasskeyVerdict.NotConfigured);
        if (PasskeyCredentials.Read<AuthenticatorAssertionRawResponse>(credential) is not { Response.ClientDataJson: { } clientData } raw
            || raw.RawId is null)
            return Refuse(PasskeyVerdict.Malformed, expectedUserId, null, "malformed", clientIp);
        if (await challenges.TakeAsync(clientData, AccountTokenKinds.PasskeyLogin, expectedUserId ?? "", now, ct) is not { } kept)
            return Refuse(PasskeyVerdict.ChallengeInvalid, expectedUserId, null, "challenge_invalid", clientIp);

        // Another user's passkey answers exactly like an unknown one.
        var passkey = await passkeys.FindByCredentialIdAsync(PasskeyCredentials.IdOf(raw.RawId), ct);
        if (passkey is null || (expectedUserId is not null && passkey.UserId != expectedUserId))
            return Refuse(PasskeyVerdict.Refused, expectedUserId, null, "unknown_credential", clientIp);
        // Alone, the passkey must name its user (the user handle) and name the right one.
        if (expectedUserId is null && raw.Response.UserHandle is null)
            return Refuse(PasskeyVerdict.Refused, passkey.UserId, passkey.Id, "user_handle_missing", clientIp);

        VerifyAssertionResult verified;
        try
        {
            verified = await fido2.MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = raw,
                OriginalOptions = AssertionOptions.FromJson(kept),
                StoredPublicKey = passkey.PublicKey,
                StoredSignatureCounter = (uint)passkey.SignCount,
                IsUserHandleOwnerOfCredentialIdCallback = (args, _) => Task.FromResult(
                    args.UserHandle.AsSpan().SequenceEqual(PasskeyCredentials.UserHandleOf(passkey.UserId))),
            }, ct);
        }
        catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.InvalidSignCount)
        {
            return CounterWentBack(passkey, null, clientIp);
        }
        catch (Exception e) when (PasskeyFailure.IsRefusal(e))
        {
            return Refuse(PasskeyVerdict.Refused, passkey.UserId, passkey.Id, PasskeyFailure.ReasonOf(e), clientIp);
        }

        // Two assertions raced with one counter value: only one of them counts.
        if (!await passkeys.TryRecordUseAsync(passkey.Id, passkey.SignCount, verified.SignCount, now, ct))
            return verified.SignCount > 0 ? CounterWentBack(passkey, verified.SignCount, clientIp)
                : Refuse(PasskeyVerdict.Refused, passkey.UserId, passkey.Id, "unknown_credential", clientIp);
        passkey.SignCount = verified.SignCount;
        passkey.LastUsedAt = now;
        return new PasskeyResult(PasskeyVerdict.Verified, passkey);
    }

    PasskeyResult CounterWentBack(PasskeyRecord passkey, long? presented, string? clientIp)
    {
        audit.PasskeySignCounterWentBack(passkey.UserId, passkey.Id, passkey.SignCount, presented, clientIp);
        return new PasskeyResult(PasskeyVerdict.CounterWentBack, Reason: "sign_count_went_back");
    }

    PasskeyResult Refuse(PasskeyVerdict verdict, string? userId, string? passkeyId, string reason, string? clientIp)
    {
        audit.PasskeyAssertionRefused(userId, passkeyId, reason, clientIp);
        return new PasskeyResult(verdict, Reason: reason);
    }
}
