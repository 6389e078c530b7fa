namespace MiniAuth.Storage.LiteDb;

// LiteDB's Connection=direct opens its file with FileShare.Read, which on Linux is only a shared
// advisory lock: a second process opened and wrote the same file while the service held it
// (checked with LiteDB 5.0.21 on .NET 10). So the process that opens a store file also holds
// "<file>.lock" exclusively; the kernel releases it when the process ends, even after a crash.
public sealed class StoreFileLock : IDisposable
{
    readonly FileStream _lock;

    StoreFileLock(FileStream stream) => _lock = stream;

    public static StoreFileLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        try
        {
            return new StoreFileLock(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StoreLockedException(databasePath, e);
        }
    }

    public void Dispose() => _lock.Dispose();
}
