using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The shared read behind the Redis session fence (Storage/CoalescedRead.cs): callers share reads,
// but none gets an answer from a read sent before it called.
public class CoalescedReadTests
{
    // Reads that answer when the test says, numbered in the order they were sent.
    sealed class HeldReads
    {
        public List<TaskCompletionSource<int>> Sent { get; } = [];

        public Task<int> ReadAsync()
        {
            var read = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (Sent) Sent.Add(read);
            return read.Task;
        }

        public int Count { get { lock (Sent) return Sent.Count; } }

        // Fails when read number `index` is never sent.
        public async Task AnswerAsync(int index, int value)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Count <= index)
            {
                if (DateTime.UtcNow > deadline) Assert.Fail($"Read {index} was never sent ({Count} were).");
                await Task.Yield();
            }
            lock (Sent) Sent[index].SetResult(value);
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
        // Nothing in flight now: the next caller sends a read of its own at once.
        var later = shared.ReadAsync();
        await reads.AnswerAsync(2, 3);
        Assert.Equal(3, await later);
    }

    [Fact]
    public async Task AFailedReadFailsItsCallersAndTheNextReadStillGoesOut()
    {
        var failing = true;
        var shared = new CoalescedRead<int>(async () =>
        {
            await Task.Yield();
            return failing ? throw new InvalidOperationException("the server went away") : 7;
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => shared.ReadAsync());
        failing = false;
        Assert.Equal(7, await shared.ReadAsync());
    }
}
