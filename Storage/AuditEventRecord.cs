namespace MiniAuth.Storage;

// One security event as the store keeps it. Detail holds the event's other structured fields as
// a small JSON object; the events carry no secret, so neither does the record.
public sealed class AuditEventRecord
{
    // Sorts like the time the event happened (its first 16 hex digits are UTC ticks), unique
    // across instances: the keyset that pages newest first.
    public string Id { get; set; } = "";
    public DateTimeOffset At { get; set; }
    // The event's name in the log (LoginSucceeded, PasswordChanged, …).
    public string Type { get; set; } = "";
    public string? UserId { get; set; }
    public string? SessionId { get; set; }
    public string? IpAddress { get; set; }
    public string? Detail { get; set; }
}
