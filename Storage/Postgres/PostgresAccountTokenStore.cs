using Npgsql;
using NpgsqlTypes;

namespace MiniAuth.Storage.Postgres;

// A take is one DELETE … RETURNING: of two instances redeeming one token, one gets the row.
public sealed class PostgresAccountTokenStore(PostgresDatabase db) : IAccountTokenStore
{
    public async Task AddAsync(AccountTokenRecord token, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "INSERT INTO miniauth_account_tokens (token_hash, user_id, kind, data, created_at, expires_at) VALUES (@hash, @user, @kind, @data, @created, @expires)",
            connection);
        command.Parameters.AddWithValue("hash", token.Id);
        command.Parameters.AddWithValue("user", token.UserId);
        command.Parameters.AddWithValue("kind", token.Kind);
        command.Parameters.AddWithValue("data", NpgsqlDbType.Text, (object?)token.Data ?? DBNull.Value);
        command.Parameters.AddWithValue("created", token.CreatedAt);
        command.Parameters.AddWithValue("expires", token.ExpiresAt);
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<AccountTokenRecord?> TakeAsync(string tokenHash, string kind, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "DELETE FROM miniauth_account_tokens WHERE token_hash = @hash AND kind = @kind AND expires_at >= @now " +
            "RETURNING user_id, data, created_at, expires_at", connection);
        command.Parameters.AddWithValue("hash", tokenHash);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("now", now);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new AccountTokenRecord
        {
            Id = tokenHash,
            UserId = reader.GetString(0),
            Kind = kind,
            Data = reader.IsDBNull(1) ? null : reader.GetString(1),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
            ExpiresAt = reader.GetFieldValue<DateTimeOffset>(3),
        };
    }

    public async Task<int> DeleteForUserAsync(string userId, string? kind, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "DELETE FROM miniauth_account_tokens WHERE user_id = @user AND (@kind::text IS NULL OR kind = @kind)", connection);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("kind", NpgsqlDbType.Text, (object?)kind ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("DELETE FROM miniauth_account_tokens WHERE expires_at < @now", connection);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
