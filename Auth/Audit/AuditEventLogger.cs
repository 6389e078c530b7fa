using System.Globalization;
using System.Text;
using System.Text.Json;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Audit;

// Every AuditTrail event is a structured log record of one category; this logger provider turns
// each into an AuditEventRecord for the store, so no event needs code of its own to be stored.
// It takes the audit category alone (any other gets a logger that does nothing, the writer's own
// failures among them: no loop), and a filter rule of its own (AuditServices) keeps operators'
// log levels from dropping stored events.
public sealed class AuditEventLogger(AuditQueue queue, TimeProvider time) : ILoggerProvider, ILogger
{
    // The fields that have columns of their own; {OriginalFormat} is the message template.
    static readonly HashSet<string> Columns = ["UserId", "SessionId", "ClientIp", "{OriginalFormat}"];

    // Per process, so two instances writing to one PostgreSQL never make the same id.
    readonly string _instance = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
    long _lastTicks;

    public ILogger CreateLogger(string categoryName) =>
        categoryName == AuditTrail.Category ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        var at = time.GetUtcNow();
        queue.Enqueue(new AuditEventRecord
        {
            Id = NextId(at),
            At = at,
            Type = eventId.Name ?? eventId.Id.ToString(CultureInfo.InvariantCulture),
            UserId = Field(fields, "UserId"),
            SessionId = Field(fields, "SessionId"),
            IpAddress = Field(fields, "ClientIp"),
            Detail = Detail(fields),
        });
    }

    // UTC ticks, made strictly increasing within the process so that events logged in one tick
    // (or while the clock steps back) still page in the order they happened, then the instance.
    string NextId(DateTimeOffset at)
    {
        long last, next;
        do
        {
            last = Interlocked.Read(ref _lastTicks);
            next = Math.Max(at.UtcTicks, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastTicks, next, last) != last);
        return next.ToString("x16", CultureInfo.InvariantCulture) + _instance;
    }

    static string? Field(IReadOnlyList<KeyValuePair<string, object?>> fields, string name) =>
        fields.FirstOrDefault(f => f.Key == name).Value is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

    // The event's other fields (counts, reasons, the admin's id…) as a JSON object, null when none.
    static string? Detail(IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        var rest = fields.Where(f => !Columns.Contains(f.Key)).ToList();
        if (rest.Count == 0) return null;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in rest)
            {
                json.WritePropertyName(JsonNamingPolicy.CamelCase.ConvertName(key));
                switch (value)
                {
                    case null: json.WriteNullValue(); break;
                    case bool flag: json.WriteBooleanValue(flag); break;
                    case int or long or short or byte: json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
                    default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public void Dispose() { }
}
