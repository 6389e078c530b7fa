using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Passkeys;

// Adding a passkey to a signed-in user's account: creation options for a discoverable credential
// with user verification, then the attestation checked against them by Fido2NetLib.
public sealed class PasskeyRegistration(PasskeyRelyingParty party, PasskeyChallenges challenges, IPasskeyStore passkeys,
    IOptions<PasskeyOptions> options)
{
    public async Task<PasskeyCeremony> StartAsync(UserRecord user, DateTimeOffset now, CancellationToken ct)
    {
        if (party.Fido2 is not { } fido2) return new PasskeyCeremony(PasskeyVerdict.NotConfigured);
        var existing = await passkeys.ListForUserAsync(user.Id, ct);
        if (existing.Count >= options.Value.MaxPerUser) return new PasskeyCeremony(PasskeyVerdict.LimitReached);

        var creation = fido2.RequestNewCredential(new RequestNewCredentialParams
        {
            User = new Fido2User { Id = PasskeyCredentials.UserHandleOf(user.Id), Name = user.Email, DisplayName = user.Name ?? user.Email },
            // The authenticator refuses to make a second passkey of this account.
            ExcludeCredentials = [.. existing.Select(PasskeyCredentials.DescriptorOf)],
            AuthenticatorSelection = new AuthenticatorSelection
            {
                ResidentKey = ResidentKeyRequirement.Required,
                UserVerification = UserVerificationRequirement.Required,
            },
            AttestationPreference = AttestationConveyancePreference.None,
            Extensions = new AuthenticationExtensionsClientInputs { CredProps = true },
        });
        var json = creation.ToJson();
        await challenges.KeepAsync(creation.Challenge, AccountTokenKinds.PasskeyRegistration, user.Id, json, now, ct);
        return new PasskeyCeremony(PasskeyVerdict.Verified, json);
    }

    public async Task<PasskeyResult> FinishAsync(string userId, JsonElement? credential, string name, DateTimeOffset now, CancellationToken ct)
    {
        if (party.Fido2 is not { } fido2) return new PasskeyResult(PasskeyVerdict.NotConfigured);
        if (PasskeyCredentials.Read<AuthenticatorAttestationRawResponse>(credential) is not { Response.ClientDataJson: { } clientData } raw
            || raw.RawId is null || raw.Response.AttestationObject is null)
            return new PasskeyResult(PasskeyVerdict.Malformed, Reason: "malformed");
        if (await challenges.TakeAsync(clientData, AccountTokenKinds.PasskeyRegistration, userId, now, ct) is not { } kept)
            return new PasskeyResult(PasskeyVerdict.ChallengeInvalid, Reason: "challenge_invalid");
        if ((await passkeys.ListForUserAsync(userId, ct)).Count >= options.Value.MaxPerUser)
            return new PasskeyResult(PasskeyVerdict.LimitReached, Reason: "limit_reached");

        RegisteredPublicKeyCredential registered;
        try
        {
            registered = await fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = raw,
                OriginalOptions = CredentialCreateOptions.FromJson(kept),
                IsCredentialIdUniqueToUserCallback = async (args, token) =>
                    await passkeys.FindByCredentialIdAsync(PasskeyCredentials.IdOf(args.CredentialId), token) is null,
            }, ct);
        }
        catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.NonUniqueCredentialId)
        {
            return new PasskeyResult(PasskeyVerdict.AlreadyRegistered, Reason: "already_registered");
        }
        catch (Exception e) when (PasskeyFailure.IsRefusal(e))
        {
            return new PasskeyResult(PasskeyVerdict.Refused, Reason: PasskeyFailure.ReasonOf(e));
        }

        var passkey = new PasskeyRecord
        {
            Id = TokenService.NewId(),
            UserId = userId,
            CredentialId = PasskeyCredentials.IdOf(registered.Id),
            PublicKey = registered.PublicKey,
            SignCount = registered.SignCount,
            Name = name,
            CreatedAt = now,
        };
        return await passkeys.TryAddAsync(passkey, ct)
            ? new PasskeyResult(PasskeyVerdict.Verified, passkey)
            : new PasskeyResult(PasskeyVerdict.AlreadyRegistered, Reason: "already_registered");
    }
}
