using MimeKit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Mail;

// The mails accepted and not yet sent, one .eml file each in "mail-spool" beside the store, so a
// restart or a dead mail server loses none; and the signal that wakes MailSender for a new one.
internal sealed class MailSpool(IOptions<StorageOptions> storage, TimeProvider time)
{
    readonly Lazy<string> _folder = new(() => MailFile.FolderBeside(storage.Value, "mail-spool"));
    readonly Lock _gate = new();
    bool _signalled;
    bool _idle;
    TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    TaskCompletionSource _nextIdle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Folder => _folder.Value;

    public async Task AddAsync(MimeMessage message, string template, CancellationToken ct)
    {
        await MailFile.WriteAsync(Folder, time.GetUtcNow(), template, message, ct);
        TaskCompletionSource wake;
        lock (_gate)
        {
            _signalled = true;
            wake = _wake;
        }
        wake.TrySetResult();
    }

    public IReadOnlyList<string> Pending() => MailFile.List(Folder);

    // A write cut off before this process started (a crash) was never accepted: nobody waits for it.
    public void DeleteUnfinished(DateTimeOffset startedAt)
    {
        foreach (var file in MailFile.List(Folder, "*.tmp"))
            if (MailFile.WrittenAt(file) < startedAt) File.Delete(file);
    }

    // Waits for a new mail, or for the next retry when there is one (on the service's clock).
    // A mail added while the sender was busy wakes it at once.
    public async Task WaitForWorkAsync(TimeSpan? retryIn, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Set before the sender counts as idle, so a test that moves the clock then moves this timer.
        var timer = Task.Delay(retryIn is { } delay ? Max(delay, TimeSpan.Zero) : Timeout.InfiniteTimeSpan, time, stop.Token);
        Task wake;
        lock (_gate)
        {
            if (_signalled)
            {
                _signalled = false;
                stop.Cancel();
                return;
            }
            _idle = true;
            _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
            wake = _wake.Task;
            _nextIdle.TrySetResult();
            _nextIdle = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        try { await Task.WhenAny(wake, timer); }
        finally
        {
            await stop.CancelAsync();
            // What woke it is about to be handled: the pass reads the folder after this.
            lock (_gate) (_idle, _signalled) = (false, false);
        }
    }

    // Completes once the sender has handled every mail added so far and waits (tests await it).
    internal Task WhenIdleAsync()
    {
        lock (_gate) return _idle && !_signalled ? Task.CompletedTask : _nextIdle.Task;
    }

    static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
