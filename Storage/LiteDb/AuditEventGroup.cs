using System.Globalization;

namespace MiniAuth.Storage.LiteDb;

// How LiteDB keeps the trail: the events of one user (or of none) that one batch stored, within
// Span of each other, in one document. Stored one event per document, each event paid three
// skip-list inserts (id, user, type): the largest cost of a refresh on LiteDB (bench/README.md,
// round two). A group pays them once, plus one key per type it holds.
public sealed class AuditEventGroup
{
    // A group's events lie within this of its first: a page can be put together newest first
    // from groups read in the order of their first event (LiteDbAuditStore.ListAsync).
    internal static readonly TimeSpan Span = TimeSpan.FromSeconds(1);
    const int MaxEvents = 200;

    // The id of its first event.
    public string Id { get; set; } = "";
    public string? UserId { get; set; }
    // The types of its events, once each: the index the type filters go through.
    public List<string> Types { get; set; } = [];
    // Oldest first.
    public List<AuditEventRecord> Events { get; set; } = [];

    // The groups of a batch, each event in one of them.
    public static List<AuditEventGroup> Of(IEnumerable<AuditEventRecord> events)
    {
        var groups = new List<AuditEventGroup>();
        foreach (var ofUser in events.GroupBy(e => e.UserId, StringComparer.Ordinal))
        {
            AuditEventGroup? group = null;
            foreach (var record in ofUser.OrderBy(e => e.Id, StringComparer.Ordinal))
            {
                if (group is null || group.Events.Count == MaxEvents || TicksOf(record.Id) - TicksOf(group.Id) >= Span.Ticks)
                    groups.Add(group = new AuditEventGroup { Id = record.Id, UserId = record.UserId });
                group.Events.Add(record);
                if (!group.Types.Contains(record.Type)) group.Types.Add(record.Type);
            }
        }
        return groups;
    }

    // An event id begins with the UTC ticks of its event in 16 hex digits (AuditEventLogger).
    internal static long TicksOf(string id) =>
        id.Length >= 16 && long.TryParse(id.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var ticks)
            ? ticks
            : throw new ArgumentException($"The audit event id {id} does not begin with its ticks.", nameof(id));

    // The smallest id of the events at or after these ticks.
    internal static string IdFrom(long ticks) => ticks.ToString("x16", CultureInfo.InvariantCulture);
}
