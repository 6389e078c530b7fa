using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MiniAuth.Tests;

// Everything the app logs, from its first start-up line: the audit trail, and the reason a
// host refused to start.
public sealed class CapturedLogs : ILoggerProvider
{
    const string AuditCategory = "MiniAuth.Auth.AuditTrail";

    readonly ConcurrentQueue<(string Category, string EventName, IReadOnlyList<KeyValuePair<string, object?>> State, string Text)> _entries = new();

    public IEnumerable<string> Categories => _entries.Select(e => e.Category);

    public IEnumerable<string> All => _entries.Select(e => e.Text + " " + string.Join(" ", e.State.Select(p => $"{p.Key}={p.Value}")));

    public void AssertAudit(string eventName, params (string Key, string? Value)[] expected) =>
        Assert.Contains(_entries, e => e.Category == AuditCategory && e.EventName == eventName && expected.All(x =>
            e.State.Any(p => p.Key == x.Key && p.Value?.ToString() == x.Value)));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() { }

    sealed class Logger(CapturedLogs sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var pairs = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            sink._entries.Enqueue((category, eventId.Name ?? "", pairs, formatter(state, exception) + (exception is null ? "" : " " + exception)));
        }
    }
}
