namespace MiniAuth.Storage.LiteDb;

// A store call that failed on the LiteDB file (a full disk, an I/O error); the message is the
// client's detail, the inner exception names the file.
public sealed class StoreFileUnavailableException(string detail, Exception inner) : Exception(detail, inner);
