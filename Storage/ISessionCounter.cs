namespace MiniAuth.Storage;

// How many sessions are active (not revoked, not expired) at now: for the live-sessions gauge,
// read now and then (never per scrape), so it may walk an index but must not load records.
public interface ISessionCounter
{
    Task<long> CountActiveAsync(DateTimeOffset now, CancellationToken ct);
}
