using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The shared read behind the Redis session fence (Storage/CoalescedRead.cs): callers share reads,
// but none gets an answer from a read sent before it called.
public class CoalescedReadTests
{
    // Reads that answer when the test says, numbered in the order they were sent.
    sealed class HeldReads
    {
        readonly List<TaskCompletionSource<int>> _sent = [];
        readonly List<TaskCompletionSource> _signals = [];

        public int Count { get { lock (_sent) return _sent.Count; } }

        public Task<int> ReadAsync()
        {
            var read = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            TaskCompletionSource sent;
            lock (_sent)
            {
                _sent.Add(read);
                sent = Signal(_sent.Count - 1);
            }
            sent.SetResult();
            return read.Task;
        }

        public Task AnswerAsync(int index, int value) => CompleteAsync(index, read => read.SetResult(value));

        public Task FailAsync(int index) =>
            CompleteAsync(index, read => read.SetException(new InvalidOperationException("the server went away")));

        // Fails when read number `index` is never sent.
        async Task CompleteAsync(int index, Action<TaskCompletionSource<int>> complete)
        {
            TaskCompletionSource sent;
            lock (_sent) sent = Signal(index);
            try { await sent.Task.WaitAsync(TimeSpan.FromSeconds(10)); }
            catch (TimeoutException) { Assert.Fail($"Read {index} was never sent ({Count} were)."); }
            lock (_sent) complete(_sent[index]);
        }

        TaskCompletionSource Signal(int index)
        {
            while (_signals.Count <= index) _signals.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            return _signals[index];
        }
    }

    [Fact]
    public async Task ACallerArrivingWhileAReadIsInFlightGetsTheNextReadNotThatOne()
    {
        var reads = new HeldReads();
        var shared = new CoalescedRead<int>(reads.ReadAsync);

        var first = shared.ReadAsync();
        var second = shared.ReadAsync();
        await reads.AnswerAsync(0, 1);

        Assert.Equal(1, await first);
        Assert.False(second.IsCompleted);
        await reads.AnswerAsync(1, 2);
        Assert.Equal(2, await second);
    }

    [Fact]
    public async Task CallersArrivingDuringOneReadShareOneNextRead()
    {
        var reads = new HeldReads();
        var shared = new CoalescedRead<int>(reads.ReadAsync);

        var first = shared.ReadAsync();
        var waiting = Enumerable.Range(0, 5).Select(_ => shared.ReadAsync()).ToList();
        await reads.AnswerAsync(0, 1);
        await reads.AnswerAsync(1, 2);

        var answers = await Task.WhenAll(waiting);
        Assert.All(answers, answer => Assert.Equal(2, answer));
        Assert.Equal(2, reads.Count);
        // A later caller gets a read of its own.
        var later = shared.ReadAsync();
        await reads.AnswerAsync(2, 3);
        Assert.Equal(3, await later);
    }

    [Fact]
    public async Task AFailedReadFailsItsCallersAndTheReadQueuedBehindItStillGoesOut()
    {
        var reads = new HeldReads();
        var shared = new CoalescedRead<int>(reads.ReadAsync);

        var first = shared.ReadAsync();
        var queued = Enumerable.Range(0, 3).Select(_ => shared.ReadAsync()).ToList();
        await reads.FailAsync(0);
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await reads.FailAsync(1);
        foreach (var waiting in queued) await Assert.ThrowsAsync<InvalidOperationException>(() => waiting);

        var later = shared.ReadAsync();
        await reads.AnswerAsync(2, 7);
        Assert.Equal(7, await later);
    }
}
