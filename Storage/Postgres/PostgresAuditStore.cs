using Npgsql;
using NpgsqlTypes;

namespace MiniAuth.Storage.Postgres;

// A batch is one INSERT over arrays; ON CONFLICT makes a retried batch land once.
public sealed class PostgresAuditStore(PostgresDatabase db) : IAuditStore
{
    public async Task AddAsync(IReadOnlyList<AuditEventRecord> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "INSERT INTO miniauth_audit_events (id, at, type, user_id, session_id, ip_address, detail) " +
            "SELECT * FROM unnest(@ids, @ats, @types, @users, @sessions, @ips, @details) ON CONFLICT (id) DO NOTHING", connection);
        command.Parameters.AddWithValue("ids", events.Select(e => e.Id).ToArray());
        command.Parameters.AddWithValue("ats", events.Select(e => e.At).ToArray());
        command.Parameters.AddWithValue("types", events.Select(e => e.Type).ToArray());
        command.Parameters.AddWithValue("users", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.UserId).ToArray());
        command.Parameters.AddWithValue("sessions", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.SessionId).ToArray());
        command.Parameters.AddWithValue("ips", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.IpAddress).ToArray());
        command.Parameters.AddWithValue("details", NpgsqlDbType.Array | NpgsqlDbType.Text, events.Select(e => e.Detail).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<AuditEventRecord>> ListAsync(AuditQuery query, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT id, at, type, user_id, session_id, ip_address, detail FROM miniauth_audit_events " +
            "WHERE (@before::text IS NULL OR id < @before) AND (@user::text IS NULL OR user_id = @user) " +
            "AND (@types::text[] IS NULL OR type = ANY(@types)) ORDER BY id DESC LIMIT @limit", connection);
        command.Parameters.AddWithValue("before", NpgsqlDbType.Text, (object?)query.Before ?? DBNull.Value);
        command.Parameters.AddWithValue("user", NpgsqlDbType.Text, (object?)query.UserId ?? DBNull.Value);
        command.Parameters.AddWithValue("types", NpgsqlDbType.Array | NpgsqlDbType.Text, (object?)query.Types?.ToArray() ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", query.Limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var events = new List<AuditEventRecord>();
        while (await reader.ReadAsync(ct))
            events.Add(new AuditEventRecord
            {
                Id = reader.GetString(0),
                At = reader.GetFieldValue<DateTimeOffset>(1),
                Type = reader.GetString(2),
                UserId = reader.IsDBNull(3) ? null : reader.GetString(3),
                SessionId = reader.IsDBNull(4) ? null : reader.GetString(4),
                IpAddress = reader.IsDBNull(5) ? null : reader.GetString(5),
                Detail = reader.IsDBNull(6) ? null : reader.GetString(6),
            });
        return events;
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("DELETE FROM miniauth_audit_events WHERE at < @cutoff", connection);
        command.Parameters.AddWithValue("cutoff", cutoff);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
