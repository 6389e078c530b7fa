using MiniAuth.Auth.Audit;

namespace MiniAuth.Auth.Metrics;

// Counts from the audit trail: every login and refresh outcome is an AuditTrail event already, so
// reading them here (a logger provider of the audit category, like AuditEventLogger) keeps the
// sign-in code free of metric calls. A new event is counted by adding its name below.
public sealed class AuditMetrics(MiniAuthMetrics metrics) : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) =>
        categoryName == AuditTrail.Category ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        switch (eventId.Name)
        {
            case "LoginSucceeded": metrics.Login(MiniAuthMetrics.Succeeded); break;
            case "LoginFailed": metrics.Login(MiniAuthMetrics.Failed); break;
            case "LoginThrottled" or "LoginThrottledAccountWide": metrics.Login(MiniAuthMetrics.Throttled); break;
            case "LoginRefusedDisabled" or "LoginRefusedUnverified": metrics.Login(MiniAuthMetrics.Refused); break;
            // The per-IP limit shares signup and login: only the logins count as throttled logins.
            case "ClientRateLimited" when Field(state, "Path") is "/auth/login": metrics.Login(MiniAuthMetrics.Throttled); break;
            case "TokenRefreshed": metrics.Refresh(succeeded: true); break;
            case "RefreshRefused": metrics.Refresh(succeeded: false); break;
            case "RefreshReuseDetected": metrics.RefreshReuseDetected(); break;
        }
    }

    static object? Field<TState>(TState state, string name) =>
        state is IReadOnlyList<KeyValuePair<string, object?>> fields ? fields.FirstOrDefault(f => f.Key == name).Value : null;

    public void Dispose() { }
}
