using System.Collections;
using System.Reflection;
using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// LiteDB 5.0.21 closes its engine at an I/O failure without finishing the transaction that met
// it (disposing it throws "discarded page must be writable", which Close swallows). Once the
// dead engine is dropped, that transaction's finalizer runs Dispose again, throws on the
// finalizer thread and ends the process, at some later GC. LiteDB has no public way to end it,
// so its finalizer is suppressed here, through the engine's private fields (seen as a crash of the
// test host, after StoreDiskFullTests, in a full run; a LiteDB upgrade must recheck these names).
internal static class LeftTransactions
{
    const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    public static void Defuse(LiteDatabase dead)
    {
        var engine = Field(dead, "_engine");
        var monitor = engine is null ? null : Field(engine, "_monitor");
        if (monitor is not null && Field(monitor, "_transactions") is IDictionary transactions)
            lock (transactions)
                foreach (var transaction in transactions.Values) GC.SuppressFinalize(transaction!);
    }

    static object? Field(object owner, string name) => owner.GetType().GetField(name, Private)?.GetValue(owner);
}
