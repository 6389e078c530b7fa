using System.Formats.Cbor;
using Fido2NetLib;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Passkeys;

// What Fido2NetLib throws for a credential that does not verify (or does not parse as CBOR, COSE,
// authenticator data…): the client's problem, never a 500. A store that does not answer is not.
public static class PasskeyFailure
{
    public static bool IsRefusal(Exception e) => !StoreOutage.IsOutage(e) && e is Fido2VerificationException
        or CborContentException or FormatException or ArgumentException or InvalidOperationException
        or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException or IndexOutOfRangeException
        or OverflowException or NotSupportedException;

    // For the audit trail: Fido2NetLib's error code, never any part of the credential.
    public static string ReasonOf(Exception e) => e is Fido2VerificationException verification
        ? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(verification.Code.ToString())
        : "malformed";
}
