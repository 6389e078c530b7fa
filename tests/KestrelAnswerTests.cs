using System.Net.Sockets;
using System.Text;

namespace MiniAuth.Tests;

// What a client really gets for the requests Kestrel refuses before the app runs (huge headers,
// a long URL, a NUL byte in the path, raw or percent-encoded): an empty body, not problem+json.
// ASP.NET Core has no hook for these answers (docs/http-api.md, "Answers the server writes
// itself"), so this pins them: a change of Kestrel's shows here.
public class KestrelAnswerTests
{
    [Fact]
    public async Task KestrelRefusesHugeHeadersLongUrlsAndNulBytesWithAnEmptyBodyAndServesOnAfterwards()
    {
        await using var service = await RunningService.StartAsOperatorAsync();

        var headers = await SendRawAsync(service, $"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 40 * 1024)}\r\n\r\n");
        AssertEmptyServerAnswer(headers, 431, "Request Header Fields Too Large");

        var url = await SendRawAsync(service, $"GET /{new string('a', 9 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        AssertEmptyServerAnswer(url, 414, "URI Too Long");

        var nul = await SendRawAsync(service, "GET /a\0b HTTP/1.1\r\nHost: localhost\r\n\r\n");
        AssertEmptyServerAnswer(nul, 400, "Bad Request");

        // Percent-encoded, Kestrel decodes it before routing and refuses it alike.
        var encoded = await SendRawAsync(service, "GET /a%00b HTTP/1.1\r\nHost: localhost\r\n\r\n");
        AssertEmptyServerAnswer(encoded, 400, "Bad Request");

        var health = await SendRawAsync(service, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", health);
    }

    static void AssertEmptyServerAnswer(string response, int status, string reason)
    {
        Assert.StartsWith($"HTTP/1.1 {status} {reason}\r\n", response);
        Assert.Contains("Content-Length: 0\r\n", response);
        Assert.Contains("Connection: close\r\n", response);
        Assert.DoesNotContain("Content-Type:", response);
        Assert.EndsWith("\r\n\r\n", response);
    }

    // Bytes as written, since HttpClient refuses to send most of these requests at all.
    static async Task<string> SendRawAsync(RunningService service, string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(service.Address.Host, service.Address.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
        using var reader = new MemoryStream();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await stream.CopyToAsync(reader, deadline.Token); }
        catch (IOException) { }  // Kestrel may reset the connection after its answer
        return Encoding.Latin1.GetString(reader.ToArray());
    }
}
