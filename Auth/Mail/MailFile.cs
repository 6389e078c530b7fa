using System.Globalization;
using MimeKit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Mail;

// A mail on disk: one .eml file, the store's modes (a mail holds a live token), named so that
// names sort oldest first and say which mail it is.
internal static class MailFile
{
    const string StampFormat = "yyyyMMdd'T'HHmmssfffffff'Z'";
    const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // Beside the store file; with an in-memory store, a folder of this process alone in temp.
    public static string FolderBeside(StorageOptions storage, string name) => storage.Path == ":memory:"
        ? Path.Combine(Path.GetTempPath(), $"miniauth-{name}-{Guid.NewGuid():N}")
        : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(storage.Path))!, name);

    // Written under a temporary name and renamed, so a reader never sees half a mail, and
    // flushed to disk: the caller is told the mail is kept.
    public static async Task<string> WriteAsync(string folder, DateTimeOffset now, string template, MimeMessage message, CancellationToken ct)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, FolderMode);
        var name = $"{now.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture)}-{template}-{Guid.NewGuid():N}";
        var temporary = Path.Combine(folder, name + ".tmp");
        var path = Path.Combine(folder, name + ".eml");
        var create = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = FileMode;
        try
        {
            await using (var file = new FileStream(temporary, create))
            {
                await message.WriteToAsync(file, ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path);
            return path;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    // The .eml files in a folder, oldest first.
    public static IReadOnlyList<string> List(string folder, string pattern = "*.eml") =>
        Directory.Exists(folder) ? [.. Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal)] : [];

    // From the name, on the service's clock (a file's own times are the wall clock's).
    public static DateTimeOffset? WrittenAt(string path) =>
        DateTime.TryParseExact(Path.GetFileName(path).Split('-')[0], StampFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at) ? new DateTimeOffset(at, TimeSpan.Zero) : null;
}
