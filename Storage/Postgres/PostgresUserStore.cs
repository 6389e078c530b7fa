using Npgsql;
using NpgsqlTypes;

namespace MiniAuth.Storage.Postgres;

// timestamptz keeps microseconds: ticks below that are dropped on the way in.
public sealed class PostgresUserStore(PostgresDatabase db) : IUserStore
{
    const string Columns = "id, email, normalized_email, name, password_hash, roles, created_at, email_verified, disabled, last_login_at";

    public Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct) =>
        FindOneAsync($"SELECT {Columns} FROM miniauth_users WHERE id = @key", id, ct);

    public Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) =>
        FindOneAsync($"SELECT {Columns} FROM miniauth_users WHERE normalized_email = @key", normalizedEmail, ct);

    // The unique index on normalized_email decides between two signups racing on two instances.
    public async Task<bool> TryCreateAsync(UserRecord user, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"INSERT INTO miniauth_users ({Columns}) VALUES (@id, @email, @normalized, @name, @hash, @roles, @created, @verified, @disabled, @lastLogin) ON CONFLICT DO NOTHING",
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

    // A keyset on (created_at, id) over the index miniauth_users_page; ids compare bytewise
    // (COLLATE "C"), as LiteDB's and the cursor's do.
    public async Task<IReadOnlyList<UserRecord>> ListPageAsync(string? search, UserPageKey? after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM miniauth_users " +
            "WHERE (@afterAt::timestamptz IS NULL OR (created_at, id COLLATE \"C\") > (@afterAt, @afterId::text COLLATE \"C\")) " +
            "AND (@search::text IS NULL OR strpos(normalized_email, @search) > 0 OR strpos(upper(coalesce(name, '')), @search) > 0) " +
            "ORDER BY created_at, id COLLATE \"C\" LIMIT @limit", connection);
        command.Parameters.AddWithValue("afterAt", NpgsqlDbType.TimestampTz, (object?)after?.CreatedAt ?? DBNull.Value);
        command.Parameters.AddWithValue("afterId", NpgsqlDbType.Text, (object?)after?.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("search", NpgsqlDbType.Text, (object?)search ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var users = new List<UserRecord>();
        while (await reader.ReadAsync(ct)) users.Add(Read(reader));
        return users;
    }

    public async Task<UserChangeResult> TryChangeAsync(string id, UserChanges changes, string keptRole, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockedAsync(connection, id, keptRole, ct) is not { } user) return new UserChangeResult(UserChangeOutcome.NotFound);
        if (changes.Unseats(user, keptRole) && !await AnotherHoldsAsync(connection, id, keptRole, ct))
            return new UserChangeResult(UserChangeOutcome.LastHolder);
        changes.ApplyTo(user);
        await using (var update = new NpgsqlCommand("UPDATE miniauth_users SET disabled = @disabled, roles = @roles, name = @name WHERE id = @id", connection))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("disabled", user.Disabled);
            update.Parameters.AddWithValue("roles", NpgsqlDbType.Array | NpgsqlDbType.Text, user.Roles.ToArray());
            update.Parameters.AddWithValue("name", NpgsqlDbType.Text, (object?)user.Name ?? DBNull.Value);
            await update.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new UserChangeResult(UserChangeOutcome.Changed, user);
    }

    public async Task<UserChangeOutcome> TryDeleteAsync(string id, string keptRole, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockedAsync(connection, id, keptRole, ct) is not { } user) return UserChangeOutcome.NotFound;
        if (UserChanges.IsEnabledHolder(user, keptRole) && !await AnotherHoldsAsync(connection, id, keptRole, ct))
            return UserChangeOutcome.LastHolder;
        await using (var delete = new NpgsqlCommand("DELETE FROM miniauth_users WHERE id = @id", connection))
        {
            delete.Parameters.AddWithValue("id", id);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return UserChangeOutcome.Changed;
    }

    // Every guarded change takes the role's advisory lock first (held to the end of the
    // transaction), so "another holder exists" cannot go stale before the write commits.
    static async Task<UserRecord?> LockedAsync(NpgsqlConnection connection, string id, string role, CancellationToken ct)
    {
        await using (var lockRole = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('miniauth role ' || @role))", connection))
        {
            lockRole.Parameters.AddWithValue("role", role);
            await lockRole.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM miniauth_users WHERE id = @id FOR UPDATE", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    static async Task<bool> AnotherHoldsAsync(NpgsqlConnection connection, string id, string role, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT EXISTS (SELECT 1 FROM miniauth_users WHERE id <> @id AND NOT disabled AND @role = ANY(roles))", connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("role", role);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    public async Task<bool> AnyEnabledWithRoleAsync(string role, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await AnotherHoldsAsync(connection, "", role, ct);
    }

    public async Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken ct) =>
        await ExecuteAsync("UPDATE miniauth_users SET last_login_at = @at WHERE id = @id", ct, ("id", id), ("at", at));

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
        command.Parameters.AddWithValue("disabled", user.Disabled);
        command.Parameters.AddWithValue("lastLogin", NpgsqlDbType.TimestampTz, (object?)user.LastLoginAt ?? DBNull.Value);
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
        Disabled = reader.GetBoolean(8),
        LastLoginAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
    };
}
