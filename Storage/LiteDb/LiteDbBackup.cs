using System.Globalization;
using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// Backup and restore of the LiteDB store file. A backup is read through the open database, not
// copied from its file: LiteDB keeps recent writes in "<name>-log.db" until a checkpoint, so the
// file alone may lack them. Each collection is read in one snapshot while writes go on, into a
// new file beside the target that replaces it only once complete (mode 0600 from its first byte).
public static class LiteDbBackup
{
    const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    // What a MiniAuth store always holds: the service creates it at its first start.
    const string UsersCollection = "users";

    public static long CopyTo(LiteDbContext db, string path)
    {
        var temp = TempBeside(path);
        try
        {
            CreateOwnerOnly(temp);
            using (var target = Open(temp))
            {
                foreach (var name in db.Database.GetCollectionNames())
                {
                    var documents = db.Database.GetCollection(name);
                    var copy = target.GetCollection(name);
                    copy.InsertBulk(documents.FindAll());
                }
                target.Checkpoint();
            }
            File.Delete(LogOf(temp));
            File.Move(temp, path, overwrite: true);
            return new FileInfo(path).Length;
        }
        finally
        {
            File.Delete(temp);
            File.Delete(LogOf(temp));
        }
    }

    // Puts the backup at storePath, which no process may hold (StoreLockedException otherwise).
    // The backup is checked on a copy first: a LiteDB file that holds a MiniAuth store
    // (InvalidDataException otherwise, and nothing is changed). The store it replaces, with its
    // log, is kept beside it as "<name>-before-restore-<time><ext>"; returned, or null when none.
    public static string? Restore(string backupPath, string storePath, DateTimeOffset now)
    {
        storePath = Path.GetFullPath(storePath);
        StoreFolder.Prepare(storePath);
        using var held = StoreFileLock.Acquire(storePath);
        var temp = TempBeside(storePath);
        try
        {
            CreateOwnerOnly(temp);
            using (var source = File.OpenRead(backupPath))
            using (var copy = new FileStream(temp, FileMode.Truncate, FileAccess.Write))
                source.CopyTo(copy);
            Check(temp, backupPath);
            File.Delete(LogOf(temp));

            string? keptAs = null;
            if (File.Exists(storePath))
            {
                var stem = Path.Combine(Path.GetDirectoryName(storePath)!, Path.GetFileNameWithoutExtension(storePath));
                keptAs = $"{stem}-before-restore-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}{Path.GetExtension(storePath)}";
                File.Move(storePath, keptAs);
                if (File.Exists(LogOf(storePath))) File.Move(LogOf(storePath), LogOf(keptAs));
            }
            File.Move(temp, storePath);
            return keptAs;
        }
        finally
        {
            File.Delete(temp);
            File.Delete(LogOf(temp));
        }
    }

    static void Check(string copy, string backupPath)
    {
        try
        {
            using var database = Open(copy);
            if (!database.CollectionExists(UsersCollection))
                throw new InvalidDataException($"{backupPath} is a LiteDB file but holds no MiniAuth store (no users collection).");
            // Reads every page of the users: a truncated copy fails here, not at the service's start.
            _ = database.GetCollection(UsersCollection).Count();
        }
        // LiteDB reads a file that is not its own as whatever the bytes say: any exception may come.
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"{backupPath} does not open as a LiteDB store: {e.Message}", e);
        }
    }

    // Direct, with the collation the service creates its stores with.
    static LiteDatabase Open(string path) => new(new ConnectionString
    {
        Filename = path,
        Connection = ConnectionType.Direct,
        Collation = new Collation(CultureInfo.InvariantCulture.LCID, System.Globalization.CompareOptions.Ordinal),
    });

    static void CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        using var _ = new FileStream(path, options);
    }

    static string TempBeside(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $"{Path.GetFileNameWithoutExtension(path)}-{Guid.NewGuid():N}.tmp");

    // LiteDB's own naming: "<name>-log<ext>" beside "<name><ext>".
    static string LogOf(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $"{Path.GetFileNameWithoutExtension(path)}-log{Path.GetExtension(path)}");
}
