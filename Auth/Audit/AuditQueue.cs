using System.Threading.Channels;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Audit;

// Between the requests that log events and the AuditWriter that stores them. Bounded, and never
// waited on: a request that finds it full loses its event (counted, reported by the writer)
// rather than waiting for a store that does not answer.
public sealed class AuditQueue
{
    public const int Capacity = 10_000;

    readonly Channel<AuditEventRecord> _channel = Channel.CreateBounded<AuditEventRecord>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    long _enqueued;
    long _dropped;

    public ChannelReader<AuditEventRecord> Reader => _channel.Reader;
    public long Enqueued => Interlocked.Read(ref _enqueued);

    public void Enqueue(AuditEventRecord record)
    {
        if (_channel.Writer.TryWrite(record)) Interlocked.Increment(ref _enqueued);
        else Interlocked.Increment(ref _dropped);
    }

    // Events lost to a full queue since the last call.
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);
}
