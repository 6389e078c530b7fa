using Npgsql;
using NpgsqlTypes;

namespace MiniAuth.Storage.Postgres;

// timestamptz keeps microseconds: ticks below that are dropped on the way in.
public sealed class PostgresUserStore(PostgresDatabase db) : IUserStore
{
    const string Columns = "id, email, normalized_email, name, password_hash, roles, created_at, email_verified";

    public Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct) =>
        FindOneAsync($"SELECT {Columns} FROM miniauth_users WHERE id = @key", id, ct);

    public Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) =>
        FindOneAsync($"SELECT {Columns} FROM miniauth_users WHERE normalized_email = @key", normalizedEmail, ct);

    // The unique index on normalized_email decides between two signups racing on two instances.
    public async Task<bool> TryCreateAsync(UserRecord user, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO miniauth_users ({Columns}) VALUES (@id, @email, @normalized, @name, @hash, @roles, @created, @verified) ON CONFLICT DO NOTHING",
            connection);
        Bind(command, user);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task UpdateNameAsync(string id, string? name, CancellationToken ct) =>
        await ExecuteAsync("UPDATE miniauth_users SET name = @name WHERE id = @id", ct,
            ("id", id), ("name", (object?)name ?? DBNull.Value));

    public async Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, CancellationToken ct) =>
        await ExecuteAsync("UPDATE miniauth_users SET password_hash = @new WHERE id = @id AND password_hash = @expected", ct,
            ("id", id), ("expected", expectedHash), ("new", newHash)) == 1;

    public async Task AddRoleAsync(string id, string role, CancellationToken ct) =>
        await ExecuteAsync("UPDATE miniauth_users SET roles = array_append(roles, @role) WHERE id = @id AND NOT (@role = ANY(roles))", ct,
            ("id", id), ("role", role));

    public async Task<bool> TryMarkEmailVerifiedAsync(string id, string expectedNormalizedEmail, CancellationToken ct) =>
        await ExecuteAsync("UPDATE miniauth_users SET email_verified = true WHERE id = @id AND normalized_email = @expected", ct,
            ("id", id), ("expected", expectedNormalizedEmail)) == 1;

    // The unique index on normalized_email decides against a signup or change that took it meanwhile.
    public async Task<bool> TryChangeEmailAsync(string id, string expectedNormalizedEmail, string newEmail, string newNormalizedEmail,
        CancellationToken ct)
    {
        try
        {
            return await ExecuteAsync(
                "UPDATE miniauth_users SET email = @email, normalized_email = @normalized, email_verified = true WHERE id = @id AND normalized_email = @expected",
                ct, ("id", id), ("expected", expectedNormalizedEmail), ("email", newEmail), ("normalized", newNormalizedEmail)) == 1;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken ct) =>
        await ExecuteAsync("DELETE FROM miniauth_users WHERE id = @id", ct, ("id", id)) == 1;

    async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM miniauth_users ORDER BY created_at, id", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var users = new List<UserRecord>();
        while (await reader.ReadAsync(ct)) users.Add(Read(reader));
        return users;
    }

    async Task<UserRecord?> FindOneAsync(string sql, string key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    static void Bind(NpgsqlCommand command, UserRecord user)
    {
        command.Parameters.AddWithValue("id", user.Id);
        command.Parameters.AddWithValue("email", user.Email);
        command.Parameters.AddWithValue("normalized", user.NormalizedEmail);
        command.Parameters.AddWithValue("name", NpgsqlDbType.Text, (object?)user.Name ?? DBNull.Value);
        command.Parameters.AddWithValue("hash", user.PasswordHash);
        command.Parameters.AddWithValue("roles", NpgsqlDbType.Array | NpgsqlDbType.Text, user.Roles.ToArray());
        command.Parameters.AddWithValue("created", user.CreatedAt);
        command.Parameters.AddWithValue("verified", user.EmailVerified);
    }

    static UserRecord Read(NpgsqlDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Email = reader.GetString(1),
        NormalizedEmail = reader.GetString(2),
        Name = reader.IsDBNull(3) ? null : reader.GetString(3),
        PasswordHash = reader.GetString(4),
        Roles = [.. reader.GetFieldValue<string[]>(5)],
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(6),
        EmailVerified = reader.GetBoolean(7),
    };
}
