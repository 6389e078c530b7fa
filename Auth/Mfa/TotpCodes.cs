using OtpNet;

namespace MiniAuth.Auth.Mfa;

// RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps, 160-bit secrets
// (Otp.NET). A code of the step before or after the current one is accepted too (one step of clock
// drift either way); which step matched is returned so the caller can refuse it a second time.
public static class TotpCodes
{
    public const int Digits = 6, StepSeconds = 30, SecretBytes = 20;
    static readonly VerificationWindow Window = new(previous: 1, future: 1);

    public static byte[] NewSecret() => KeyGeneration.GenerateRandomKey(SecretBytes);

    public static string Base32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    // otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
    public static string OtpauthUri(byte[] secret, string account, string issuer) =>
        new OtpUri(OtpType.Totp, Base32(secret), account, issuer, OtpHashMode.Sha1, Digits, StepSeconds).ToString();

    // The time step the code belongs to, or null. Only six ASCII digits are ever looked at.
    public static long? MatchStep(byte[] secret, string? code, DateTimeOffset now)
    {
        code = code?.Replace(" ", "", StringComparison.Ordinal);
        if (code is null || code.Length != Digits || !code.All(char.IsAsciiDigit)) return null;
        var totp = new Totp(secret, StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, Window) ? step : null;
    }
}
