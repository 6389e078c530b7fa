using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MiniAuth.Tests;

// A software WebAuthn authenticator for the HTTP tests: one ES256 discoverable credential, "none"
// attestation, a signature counter the test may set. It answers the service's options JSON with
// what a browser's credential.toJSON() gives, so the service's checks (Fido2NetLib) run for real.
public sealed class SoftAuthenticator(string origin = "https://localhost") : IDisposable
{
    readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(32);
    public string Id => Base64Url.EncodeToString(CredentialId);
    public byte[]? UserHandle { get; private set; }
    public uint SignCount { get; set; }
    public string Origin { get; set; } = origin;
    public bool UserVerified { get; set; } = true;

    // navigator.credentials.create(): answers creation options.
    public JsonObject Create(JsonElement options)
    {
        UserHandle = Base64Url.DecodeFromChars(options.GetProperty("user").GetProperty("id").GetString());
        var clientData = ClientData("webauthn.create", options.GetProperty("challenge").GetString()!);
        var credential = new byte[18 + CredentialId.Length];
        BinaryPrimitives.WriteUInt16BigEndian(credential.AsSpan(16), (ushort)CredentialId.Length); // after a zero AAGUID
        CredentialId.CopyTo(credential, 18);
        var authData = AuthData(options.GetProperty("rp").GetProperty("id").GetString()!, attested: true, [.. credential, .. CoseKey()]);

        var attestation = new CborWriter();
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt");
        attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt");
        attestation.WriteStartMap(0);
        attestation.WriteEndMap();
        attestation.WriteTextString("authData");
        attestation.WriteByteString(authData);
        attestation.WriteEndMap();
        return Credential(new JsonObject
        {
            ["clientDataJSON"] = B64(clientData),
            ["attestationObject"] = B64(attestation.Encode()),
            ["transports"] = new JsonArray("internal"),
        });
    }

    // navigator.credentials.get(): answers request options, the counter one up first.
    public JsonObject Get(JsonElement options, bool withUserHandle = true)
    {
        SignCount++;
        var clientData = ClientData("webauthn.get", options.GetProperty("challenge").GetString()!);
        var rpId = options.TryGetProperty("rpId", out var id) ? id.GetString()! : "localhost";
        var authData = AuthData(rpId, attested: false, []);
        var signature = _key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
        var response = new JsonObject
        {
            ["clientDataJSON"] = B64(clientData),
            ["authenticatorData"] = B64(authData),
            ["signature"] = B64(signature),
        };
        if (withUserHandle && UserHandle is not null) response["userHandle"] = B64(UserHandle);
        return Credential(response);
    }

    JsonObject Credential(JsonObject response) => new()
    {
        ["id"] = Id,
        ["rawId"] = Id,
        ["type"] = "public-key",
        ["response"] = response,
        ["clientExtensionResults"] = new JsonObject(),
        ["authenticatorAttachment"] = "platform",
    };

    byte[] ClientData(string type, string challenge) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["type"] = type,
        ["challenge"] = challenge,
        ["origin"] = Origin,
        ["crossOrigin"] = false,
    }.ToJsonString());

    // rpIdHash, flags (user present, verified if so, attested credential data), counter, then the rest.
    byte[] AuthData(string rpId, bool attested, byte[] rest)
    {
        var flags = (byte)(0x01 | (UserVerified ? 0x04 : 0) | (attested ? 0x40 : 0));
        var counter = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counter, SignCount);
        return [.. SHA256.HashData(Encoding.UTF8.GetBytes(rpId)), flags, .. counter, .. rest];
    }

    // The COSE_Key of an EC2 P-256 key for ES256, in CTAP2 canonical key order.
    byte[] CoseKey()
    {
        var point = _key.ExportParameters(false).Q;
        var cose = new CborWriter();
        cose.WriteStartMap(5);
        cose.WriteInt32(1); cose.WriteInt32(2);
        cose.WriteInt32(3); cose.WriteInt32(-7);
        cose.WriteInt32(-1); cose.WriteInt32(1);
        cose.WriteInt32(-2); cose.WriteByteString(point.X!);
        cose.WriteInt32(-3); cose.WriteByteString(point.Y!);
        cose.WriteEndMap();
        return cose.Encode();
    }

    static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public void Dispose() => _key.Dispose();
}
