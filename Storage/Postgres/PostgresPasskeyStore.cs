using Npgsql;
using NpgsqlTypes;

namespace MiniAuth.Storage.Postgres;

// The unique index on credential_id decides between two registrations of one credential; the
// foreign key removes a user's passkeys with the user.
public sealed class PostgresPasskeyStore(PostgresDatabase db) : IPasskeyStore
{
    const string Columns = "id, user_id, credential_id, public_key, sign_count, name, created_at, last_used_at";

    public async Task<bool> TryAddAsync(PasskeyRecord passkey, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO miniauth_passkeys ({Columns}) VALUES (@id, @user, @credential, @key, @count, @name, @created, @used) ON CONFLICT DO NOTHING",
            connection);
        command.Parameters.AddWithValue("id", passkey.Id);
        command.Parameters.AddWithValue("user", passkey.UserId);
        command.Parameters.AddWithValue("credential", passkey.CredentialId);
        command.Parameters.AddWithValue("key", passkey.PublicKey);
        command.Parameters.AddWithValue("count", passkey.SignCount);
        command.Parameters.AddWithValue("name", passkey.Name);
        command.Parameters.AddWithValue("created", passkey.CreatedAt);
        command.Parameters.AddWithValue("used", NpgsqlDbType.TimestampTz, (object?)passkey.LastUsedAt ?? DBNull.Value);
        try
        {
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return false; // the user was deleted meanwhile
        }
    }

    public async Task<PasskeyRecord?> FindByCredentialIdAsync(string credentialId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {Columns} FROM miniauth_passkeys WHERE credential_id = @key", credentialId, ct)).SingleOrDefault();

    public async Task<IReadOnlyList<PasskeyRecord>> ListForUserAsync(string userId, CancellationToken ct) =>
        await QueryAsync($"SELECT {Columns} FROM miniauth_passkeys WHERE user_id = @key ORDER BY created_at, id", userId, ct);

    public async Task<bool> DeleteAsync(string userId, string id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("DELETE FROM miniauth_passkeys WHERE id = @id AND user_id = @user", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("user", userId);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<int> DeleteForUserAsync(string userId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("DELETE FROM miniauth_passkeys WHERE user_id = @user", connection);
        command.Parameters.AddWithValue("user", userId);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> TryRecordUseAsync(string id, long expectedSignCount, long newSignCount, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "UPDATE miniauth_passkeys SET sign_count = @new, last_used_at = @at WHERE id = @id AND sign_count = @expected", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("expected", expectedSignCount);
        command.Parameters.AddWithValue("new", newSignCount);
        command.Parameters.AddWithValue("at", at);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    async Task<List<PasskeyRecord>> QueryAsync(string sql, string key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var found = new List<PasskeyRecord>();
        while (await reader.ReadAsync(ct))
            found.Add(new PasskeyRecord
            {
                Id = reader.GetString(0),
                UserId = reader.GetString(1),
                CredentialId = reader.GetString(2),
                PublicKey = reader.GetFieldValue<byte[]>(3),
                SignCount = reader.GetInt64(4),
                Name = reader.GetString(5),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(6),
                LastUsedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            });
        return found;
    }
}
