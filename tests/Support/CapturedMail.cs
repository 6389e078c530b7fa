using MiniAuth.Auth.Mail;

namespace MiniAuth.Tests;

// The mail queue of a test app: keeps every mail handed off, so tests read the links and tokens
// the way a user reads their inbox. The delivery itself (SMTP, outbox) has tests of its own.
public sealed class CapturedMail : IMailQueue
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    readonly Lock _lock = new();
    readonly List<OutgoingMail> _mails = [];
    readonly List<(Func<OutgoingMail, bool> Match, TaskCompletionSource<OutgoingMail> Found)> _waiting = [];

    public Task EnqueueAsync(OutgoingMail mail, CancellationToken ct)
    {
        lock (_lock)
        {
            _mails.Add(mail);
            foreach (var waiter in _waiting.Where(w => w.Match(mail)).ToList())
            {
                _waiting.Remove(waiter);
                waiter.Found.TrySetResult(mail);
            }
        }
        return Task.CompletedTask;
    }

    public IReadOnlyList<OutgoingMail> All
    {
        get { lock (_lock) return _mails.ToList(); }
    }

    public IReadOnlyList<OutgoingMail> To(string address, string? template = null) =>
        All.Where(m => string.Equals(m.To, address, StringComparison.OrdinalIgnoreCase) && (template is null || m.Template == template)).ToList();

    // The count-th mail (1 = the first) of this template to this address, once it was handed off;
    // mails sent in the background (password reset) arrive after the answer.
    public async Task<OutgoingMail> WaitForAsync(string address, string template, int count = 1)
    {
        bool Match(OutgoingMail m) => string.Equals(m.To, address, StringComparison.OrdinalIgnoreCase) && m.Template == template;
        TaskCompletionSource<OutgoingMail> found;
        lock (_lock)
        {
            var matching = _mails.Where(Match).ToList();
            if (matching.Count >= count) return matching[count - 1];
            var seen = matching.Count;
            found = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((m => Match(m) && ++seen == count, found));
        }
        return await found.Task.WaitAsync(Patience);
    }
}
