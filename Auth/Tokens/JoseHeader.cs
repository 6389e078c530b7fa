using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace MiniAuth.Auth.Tokens;

// One member of a compact token's JOSE header, read without trusting anything and without parsing
// the payload: on every authenticated request (the kid to learn, the typ to refuse early), where
// reading the whole token was a quarter of the request's allocations (fetchProfile now takes 0.88x
// the CPU, bench/README.md).
public static class JoseHeader
{
    public enum Member { Unreadable, Missing, NotAString, Found }

    public static Member Read(string token, ReadOnlySpan<byte> name, out string? value)
    {
        value = null;
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot > 1024) return Member.Unreadable;
        Span<byte> header = stackalloc byte[768];
        if (Base64Url.DecodeFromChars(token.AsSpan(0, dot), header, out _, out var written) != OperationStatus.Done)
            return Member.Unreadable;
        try
        {
            var reader = new Utf8JsonReader(header[..written]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return Member.Unreadable;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isName = reader.ValueTextEquals(name);
                if (!reader.Read()) return Member.Unreadable;
                if (isName)
                {
                    if (reader.TokenType != JsonTokenType.String) return Member.NotAString;
                    value = reader.GetString();
                    return Member.Found;
                }
                reader.Skip();
            }
            return reader.TokenType == JsonTokenType.EndObject ? Member.Missing : Member.Unreadable;
        }
        catch (JsonException) { return Member.Unreadable; }
    }
}
