using QRCoder;

namespace MiniAuth.Auth.Mfa;

// The otpauth URI as a QR code, made here (QRCoder): the secret never goes to a QR service.
public static class TotpQrCode
{
    public static string Svg(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4);
    }
}
