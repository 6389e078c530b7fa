using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Fido2NetLib;
using Fido2NetLib.Objects;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Passkeys;

// What both ceremonies share: reading a browser's credential.toJSON(), and the ids as stored.
public static class PasskeyCredentials
{
    // Null when it is not such a credential, whatever is wrong with it.
    public static T? Read<T>(JsonElement? credential) where T : class
    {
        if (credential is not { ValueKind: JsonValueKind.Object } json) return null;
        try
        {
            return json.Deserialize<T>();
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    public static string IdOf(byte[] credentialId) => Base64Url.EncodeToString(credentialId);

    public static byte[] BytesOf(string credentialId) => Base64Url.DecodeFromChars(credentialId);

    // The WebAuthn user handle: the user's id, which is random and says nothing about the person.
    public static byte[] UserHandleOf(string userId) => Encoding.UTF8.GetBytes(userId);

    public static PublicKeyCredentialDescriptor DescriptorOf(PasskeyRecord passkey) => new(BytesOf(passkey.CredentialId));
}
