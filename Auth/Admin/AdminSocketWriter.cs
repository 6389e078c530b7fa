using System.Text;

namespace MiniAuth.Auth.Admin;

// A command's standard output or error inside the service: each finished line goes to the
// socket client as one frame, so `audit --follow` streams. Writes are synchronous, bounded by
// the socket's send timeout: a client that stops reading fails the command, never the service.
internal sealed class AdminSocketWriter(Stream stream, string name, Lock gate) : TextWriter
{
    readonly StringBuilder _pending = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        _pending.Append(value);
        if (value == '\n') Flush();
    }

    public override void Write(string? value)
    {
        _pending.Append(value);
        if (value?.Contains('\n') == true) Flush();
    }

    public override void Flush()
    {
        if (_pending.Length == 0) return;
        var frame = AdminSocket.Frame(name, _pending.ToString());
        _pending.Clear();
        lock (gate) stream.Write(frame);
    }
}
