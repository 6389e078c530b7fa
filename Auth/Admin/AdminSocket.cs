using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MiniAuth.Auth.Admin;

// The admin socket's protocol: one request line from the client, {"args":[…],"input":"…"}, then
// lines from the service, {"out":"…"} and {"err":"…"} as the command writes, and one {"exit":n}
// last. UTF-8 JSON, one object per line. The socket sits beside the store file, whose folder only
// the service account can enter.
public static class AdminSocket
{
    public const int MaxRequestBytes = 64 * 1024;
    // A Unix socket's path has at most 107 bytes (sun_path, its NUL aside).
    public const int MaxPathBytes = 107;

    public static string PathFor(string storePath) => Path.GetFullPath(storePath) + ".admin.sock";

    public static bool Fits(string socketPath) => Encoding.UTF8.GetByteCount(socketPath) <= MaxPathBytes;

    public static byte[] Request(IReadOnlyList<string> args, string? input) => Line(json =>
    {
        json.WriteStartArray("args");
        foreach (var arg in args) json.WriteStringValue(arg);
        json.WriteEndArray();
        if (input is not null) json.WriteString("input", input);
    });

    public static byte[] Frame(string stream, string text) => Line(json => json.WriteString(stream, text));

    public static byte[] Exit(int code) => Line(json => json.WriteNumber("exit", code));

    // The request's arguments and input, or null for anything else (not JSON, not that shape).
    public static (string[] Args, string? Input)? ReadRequest(ReadOnlySpan<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Array)
                return null;
            if (args.EnumerateArray().Any(arg => arg.ValueKind != JsonValueKind.String)) return null;
            string? input = null;
            if (root.TryGetProperty("input", out var given))
            {
                if (given.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)) return null;
                input = given.GetString();
            }
            return ([.. args.EnumerateArray().Select(arg => arg.GetString()!)], input);
        }
        catch (JsonException) { return null; }
    }

    static byte[] Line(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return [.. buffer.WrittenSpan, (byte)'\n'];
    }
}
