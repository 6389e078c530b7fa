using Npgsql;
using NpgsqlTypes;

namespace MiniAuth.Storage.Postgres;

// timestamptz keeps microseconds: ticks below that are dropped on the way in.
public sealed class PostgresSigningKeyStore(PostgresDatabase db) : ISigningKeyStore
{
    public async Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT id, private_key, created_at, retired_at FROM miniauth_signing_keys ORDER BY created_at, id", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<SigningKeyRecord>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new SigningKeyRecord
            {
                Id = reader.GetString(0),
                PrivateKey = reader.GetFieldValue<byte[]>(1),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
                RetiredAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
            });
        }
        return keys;
    }

    public Task AddAsync(SigningKeyRecord key, CancellationToken ct) => ExecuteAsync(
        "INSERT INTO miniauth_signing_keys (id, private_key, created_at, retired_at) VALUES (@id, @key, @created, @retired)",
        key, ct);

    public Task UpdateAsync(SigningKeyRecord key, CancellationToken ct) => ExecuteAsync(
        "UPDATE miniauth_signing_keys SET private_key = @key, created_at = @created, retired_at = @retired WHERE id = @id",
        key, ct);

    public async Task DeleteAsync(string id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("DELETE FROM miniauth_signing_keys WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(ct);
    }

    async Task ExecuteAsync(string sql, SigningKeyRecord key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", key.Id);
        command.Parameters.AddWithValue("key", key.PrivateKey);
        command.Parameters.AddWithValue("created", key.CreatedAt);
        command.Parameters.AddWithValue("retired", NpgsqlDbType.TimestampTz, (object?)key.RetiredAt ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }
}
