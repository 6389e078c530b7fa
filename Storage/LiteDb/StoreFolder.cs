using System.Runtime.InteropServices;

namespace MiniAuth.Storage.LiteDb;

// The store's files hold the private signing keys, password hashes and session ids, and LiteDB
// makes more of them than the one named (checked with LiteDB 5.0.21: "<name>-log.db" at the
// first write, "<name>-temp.db" and "<name>-temp-log.db" during a rebuild, "<name>-backup.db"
// after one), each with the process umask. So every file is the service account's alone from
// its first byte, and so is the folder that holds them.
internal static class StoreFolder
{
    const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    const UnixFileMode GroupOrOthers = ~OwnerOnlyFolder & (UnixFileMode)0x1FF;
    // What the service itself keeps beside the store (the mail outbox and spool, made 0700).
    static readonly string[] OwnFolders = ["outbox", "mail-spool"];

    // True when an existing folder that others could enter was tightened to 0700.
    public static bool Prepare(string databasePath)
    {
        var folder = Path.GetDirectoryName(databasePath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return false;
        }

        // Left at 077 for the life of the process, not set around the open: LiteDB creates its
        // log and temp files lazily, at any later write. A service holding secrets has no file
        // to share; systemd's UMask=0077 does the same.
        _ = umask(0x3F);

        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
            return false;
        }

        var tightened = false;
        var mode = File.GetUnixFileMode(folder);
        // Others could have planted a file (a hard link to one of theirs) under a store file's
        // name: such a folder cannot be made safe after the fact.
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0) throw NotOurs(folder, databasePath);
        if ((mode & GroupOrOthers) != 0)
        {
            Tighten(folder, databasePath);
            tightened = true;
        }
        // Files an older version (or a copy by hand) left readable to others.
        var stem = Path.GetFileNameWithoutExtension(databasePath);
        foreach (var file in Directory.EnumerateFiles(folder, stem + "*"))
            if ((File.GetUnixFileMode(file) & GroupOrOthers) != 0) File.SetUnixFileMode(file, OwnerOnlyFile);
        return tightened;
    }

    // Only a folder that is the store's own: chmod succeeds for its owner alone (or root), and
    // one holding anything else (a home, /var/lib, /tmp) is shared and not ours to close.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    static void Tighten(string folder, string databasePath)
    {
        var stem = Path.GetFileNameWithoutExtension(databasePath);
        var shared = Directory.EnumerateFileSystemEntries(folder)
            .Any(entry => !Path.GetFileName(entry).StartsWith(stem, StringComparison.Ordinal) && !OwnFolders.Contains(Path.GetFileName(entry)));
        try
        {
            if (!shared && !File.GetUnixFileMode(folder).HasFlag(UnixFileMode.StickyBit))
            {
                File.SetUnixFileMode(folder, OwnerOnlyFolder);
                return;
            }
        }
        catch (UnauthorizedAccessException) { }
        throw NotOurs(folder, databasePath);
    }

    static OptionsValidationException NotOurs(string folder, string databasePath) =>
        new(StorageOptions.Section, typeof(StorageOptions),
        [
            $"MiniAuth:Storage:Path is {databasePath}, in the folder {folder}, which other accounts can enter or write and " +
            "which MiniAuth cannot make its own (it is not the service account's, it holds other files, or others could " +
            $"have put files in it). The store holds the private signing keys: run `chmod 700 {folder}` as its owner, " +
            "or give the store a folder of its own.",
        ]);

    // DllImport, not LibraryImport: one blittable call needs no generated (unsafe) marshalling.
    [DllImport("libc", EntryPoint = "umask")]
    static extern uint umask(uint mask);
}
