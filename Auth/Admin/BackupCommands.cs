using MiniAuth.Auth.Audit;
using MiniAuth.Storage;
using MiniAuth.Storage.LiteDb;

namespace MiniAuth.Auth.Admin;

// `admin backup PATH` (the service running or not) and `admin restore PATH` (stopped). Only the
// LiteDB store: PostgreSQL and Redis have their own tools (pg_dump; RDB/AOF), see operations.md.
public static class BackupCommands
{
    public static Task<int> BackupAsync(IServiceProvider services, string path, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (LiteDbPathOf(options, error) is not { } storePath) return Task.FromResult(AdminCommandRunner.Failed);
        // The client made it absolute: a relative one would be read from the service's own folder.
        if (!Path.IsPathFullyQualified(path) || Directory.Exists(path))
        {
            error.WriteLine($"Give the backup a file path ({path} is {(Directory.Exists(path) ? "a folder" : "not absolute")}).");
            return Task.FromResult(AdminCommandRunner.Usage);
        }
        var stem = Path.Combine(Path.GetDirectoryName(storePath)!, Path.GetFileNameWithoutExtension(storePath));
        string[] ownFiles = [storePath, $"{stem}-log{Path.GetExtension(storePath)}", storePath + ".lock", AdminSocket.PathFor(storePath)];
        if (ownFiles.Contains(Path.GetFullPath(path)))
        {
            error.WriteLine($"Refusing to write the backup over a file of the store itself ({path}): give it a name of its own.");
            return Task.FromResult(AdminCommandRunner.Usage);
        }

        long bytes;
        try
        {
            bytes = LiteDbBackup.CopyTo(services.GetRequiredService<LiteDbContext>(), path);
        }
        // A full disk, a folder the service may not write (systemd's ProtectSystem), a store error.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error.WriteLine($"The backup could not be written to {path}: {e.Message}");
            return Task.FromResult(AdminCommandRunner.Failed);
        }
        services.GetRequiredService<AuditTrail>().CommandStoreBackedUp(path, bytes);
        output.WriteLine($"Backed up the store to {path} ({bytes} bytes, mode 0600). Restore it with `MiniAuth admin restore {path}`, the service stopped.");
        return Task.FromResult(AdminCommandRunner.Ok);
    }

    // Run only by `MiniAuth admin` itself, never through the socket: it takes the store's lock.
    public static Task<int> RestoreAsync(IServiceProvider services, string path, TextWriter output, TextWriter error)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (LiteDbPathOf(options, error) is not { } storePath) return Task.FromResult(AdminCommandRunner.Failed);
        if (!File.Exists(path))
        {
            error.WriteLine($"There is no backup file {path}.");
            return Task.FromResult(AdminCommandRunner.Failed);
        }
        string? keptAs;
        try
        {
            keptAs = LiteDbBackup.Restore(path, storePath, services.GetRequiredService<TimeProvider>().GetUtcNow());
        }
        catch (StoreLockedException)
        {
            error.WriteLine($"Refusing to run: the store {storePath} is in use by a running MiniAuth. Stop the service, restore, then start it again.");
            return Task.FromResult(AdminCommandRunner.StoreLocked);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"Refusing to restore: {e.Message} The store was not changed.");
            return Task.FromResult(AdminCommandRunner.Failed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"The restore failed: {e.Message} The store was not changed.");
            return Task.FromResult(AdminCommandRunner.Failed);
        }
        services.GetRequiredService<AuditTrail>().CommandStoreRestored(path, keptAs);
        output.WriteLine($"Restored the store {storePath} from {path}." +
            (keptAs is null ? "" : $" The store it replaced is kept as {keptAs}."));
        return Task.FromResult(AdminCommandRunner.Ok);
    }

    static string? LiteDbPathOf(StorageOptions options, TextWriter error)
    {
        if (options.UsesLiteDb && options.Path != ":memory:") return Path.GetFullPath(options.Path);
        error.WriteLine(options.UsesLiteDb
            ? "The store is in memory (MiniAuth:Storage:Path is :memory:): there is nothing to back up or restore."
            : "This service keeps nothing in LiteDB: back up PostgreSQL with pg_dump and Redis with its RDB or AOF files (docs/operations.md).");
        return null;
    }
}
