namespace MiniAuth.Storage.LiteDb;

// Another process holds the store file; the message says what to do.
public sealed class StoreLockedException(string databasePath, Exception inner) : IOException(
    $"The store file {databasePath} is in use by another MiniAuth process (a running service or admin command). " +
    "LiteDB keeps one process per file: stop that process first.", inner);
