using MiniAuth.Storage;

namespace MiniAuth.Auth.Audit;

// Drains the AuditQueue into the store in batches, off the requests' path: a store that fails or
// hangs delays the trail, never an answer. A failed batch is retried with growing pauses, then
// given up and reported. Its own logs are not of the audit category, so they are never stored.
internal sealed partial class AuditWriter(AuditQueue queue, IAuditStore store, TimeProvider time, ILogger<AuditWriter> logger)
    : BackgroundService
{
    const int BatchSize = 200;
    const int Attempts = 5;
    static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);
    // How long the first event of a batch waits for others: one store transaction per this much
    // time instead of one per refresh (each refresh logs one event). It was a third of a refresh's
    // CPU on LiteDB (bench/README.md, round two); the trail lags the log by at most this.
    internal static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(100);

    readonly Lock _waitersLock = new();
    readonly List<(long Upto, TaskCompletionSource Done)> _waiters = [];
    long _processed;
    // Completed by FlushAsync: a flush does not wait out the linger.
    TaskCompletionSource _flushNow = NewFlushSignal();

    // Completes once every event logged before the call has been stored (or given up): the
    // trail's readers (CatchUpAsync) and tests await it instead of polling the store.
    internal Task FlushAsync()
    {
        var upto = queue.Enqueued;
        lock (_waitersLock)
        {
            if (Interlocked.Read(ref _processed) >= upto) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((upto, done));
            _flushNow.TrySetResult();
            return done.Task;
        }
    }

    // The readers of the trail (listAudit, listActivity, `admin audit`) first wait for what was
    // logged before them, so the next listing shows a change; never long: a store that hangs
    // costs a page without the newest events, not the request.
    internal async Task CatchUpAsync(CancellationToken ct)
    {
        // Not started (a command run without the service): nothing here would store them.
        if (ExecuteTask is null) return;
        var flushed = FlushAsync();
        if (!flushed.IsCompleted) await Task.WhenAny(flushed, Task.Delay(CatchUpBound, time, ct));
    }

    static readonly TimeSpan CatchUpBound = TimeSpan.FromSeconds(2);

    static TaskCompletionSource NewFlushSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Returns once the batch is full, a flush is asked for, or the linger has passed.
    async Task LingerAsync(CancellationToken ct)
    {
        Task flush;
        lock (_waitersLock)
        {
            if (_flushNow.Task.IsCompleted && _waiters.Count == 0) _flushNow = NewFlushSignal();
            flush = _flushNow.Task;
        }
        if (flush.IsCompleted || queue.Reader.Count >= BatchSize) return;
        using var linger = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(Linger, time, linger.Token);
        await Task.WhenAny(delay, flush);
        linger.Cancel();
        ct.ThrowIfCancellationRequested();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEventRecord>(BatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await LingerAsync(stoppingToken);
                while (batch.Count < BatchSize && queue.Reader.TryRead(out var record)) batch.Add(record);
                await WriteAsync(batch, stoppingToken);
                Processed(batch.Count);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is queued (and a batch cut short) gets one last try.
            while (queue.Reader.TryRead(out var record)) batch.Add(record);
            if (batch.Count > 0) await LastTryAsync(batch);
        }
    }

    async Task WriteAsync(List<AuditEventRecord> batch, CancellationToken ct)
    {
        if (queue.TakeDropped() is > 0 and var dropped) LogDropped(dropped, AuditQueue.Capacity);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AddAsync(batch, ct);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                if (attempt == Attempts)
                {
                    LogGivenUp(e, batch.Count, Attempts);
                    return;
                }
                var pause = TimeSpan.FromSeconds(Math.Min(MaxPause.TotalSeconds, Math.Pow(2, attempt - 1)));
                LogRetrying(e, batch.Count, pause.TotalSeconds);
                await Task.Delay(pause, time, ct);
            }
        }
    }

    async Task LastTryAsync(List<AuditEventRecord> batch)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        try { await store.AddAsync(batch, timeout.Token); }
        catch (Exception e) { LogGivenUp(e, batch.Count, 1); }
    }

    void Processed(int count)
    {
        var processed = Interlocked.Add(ref _processed, count);
        lock (_waitersLock)
        {
            _waiters.RemoveAll(waiter =>
            {
                if (waiter.Upto > processed) return false;
                waiter.Done.TrySetResult();
                return true;
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storing {Count} audit events failed; retrying in {PauseSeconds} s")]
    partial void LogRetrying(Exception exception, int count, double pauseSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Count} audit events failed {Attempts} times; they are not in the stored trail (the log has them)")]
    partial void LogGivenUp(Exception exception, int count, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} audit events were not stored: more than {Capacity} waited for the store (the log has them)")]
    partial void LogDropped(long count, int capacity);
}
