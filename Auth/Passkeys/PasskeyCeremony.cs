namespace MiniAuth.Auth.Passkeys;

// The options of a ceremony that was started, as WebAuthn JSON for the browser's
// PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON.
public sealed record PasskeyCeremony(PasskeyVerdict Verdict, string? OptionsJson = null);
