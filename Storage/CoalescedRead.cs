namespace MiniAuth.Storage;

// A read that callers share without any of them getting an answer older than its call: one read
// is in flight at a time, and callers that arrive while it is (it was sent before them) wait for
// the next, sent as soon as it answers, one read for all of them.
public sealed class CoalescedRead<T>(Func<Task<T>> read)
{
    readonly Lock _gate = new();
    Task<T>? _inFlight;
    TaskCompletionSource<T>? _next;

    public Task<T> ReadAsync()
    {
        TaskCompletionSource<T>? start = null;
        Task<T> answer;
        lock (_gate)
        {
            if (_inFlight is null) _inFlight = answer = (start = NewSource()).Task;
            else answer = (_next ??= NewSource()).Task;
        }
        if (start is not null) _ = ReadIntoAsync(start);
        return answer;
    }

    // A loop, not a call per read: reads that fail at once (no connection) would otherwise nest.
    async Task ReadIntoAsync(TaskCompletionSource<T> into)
    {
        for (var current = into; current is not null;)
        {
            try { current.SetResult(await read()); }
            catch (Exception e) { current.SetException(e); }

            lock (_gate)
            {
                current = _next;
                _next = null;
                _inFlight = current?.Task;
            }
        }
    }

    // Callers resume on the thread pool, not one after another on the thread that completed the read.
    static TaskCompletionSource<T> NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
