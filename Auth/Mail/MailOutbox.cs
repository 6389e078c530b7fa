using MimeKit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Mail;

// With no SMTP host, each mail is written to "outbox" beside the store instead of sent: a fresh
// install works, and its operator reads (or forwards) the .eml files there.
internal sealed class MailOutbox(IOptions<StorageOptions> storage, TimeProvider time)
{
    readonly Lazy<string> _folder = new(() => MailFile.FolderBeside(storage.Value, "outbox"));

    public string Folder => _folder.Value;

    public Task WriteAsync(MimeMessage message, string template, CancellationToken ct) =>
        MailFile.WriteAsync(Folder, time.GetUtcNow(), template, message, ct);

    // Mails spooled while an SMTP host was set, now that none is: kept, where the operator looks.
    public int TakeOver(IReadOnlyList<string> spooled)
    {
        if (spooled.Count == 0) return 0;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(Folder);
        else Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in spooled) File.Move(file, Path.Combine(Folder, Path.GetFileName(file)));
        return spooled.Count;
    }
}
