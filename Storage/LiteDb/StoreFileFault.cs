using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// Why the store file failed: Reason for the log, Detail for the client (no path, nothing of the
// host). A full disk is told as such, since freeing space is what the operator has to do.
public sealed record StoreFileFault(string Reason, string Detail)
{
    // errno values .NET puts in IOException.HResult on Linux: ENOSPC, EDQUOT.
    const int NoSpace = 28, QuotaExceeded = 122;

    const string FullDetail = "The store's disk is full: MiniAuth takes writes again by itself as soon as it has room. Try again shortly.";
    const string FailedDetail = "The store's file could not be read or written; try again shortly.";

    public static StoreFileFault? Of(Exception? e) => e switch
    {
        null => null,
        IOException { HResult: NoSpace or QuotaExceeded } io => new(io.Message, FullDetail),
        IOException io => new(io.Message, FailedDetail),
        LiteException { ErrorCode: LiteException.INVALID_DATAFILE_STATE } lite => new(lite.Message, FailedDetail),
        _ => Of(e.InnerException),
    };
}
