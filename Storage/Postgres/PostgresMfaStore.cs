using Npgsql;
using NpgsqlTypes;

namespace MiniAuth.Storage.Postgres;

// Each compare-and-swap is one UPDATE with its condition in the WHERE clause: of two instances
// racing on one row, one matches. The row goes with its user (ON DELETE CASCADE).
public sealed class PostgresMfaStore(PostgresDatabase db) : IMfaStore
{
    public async Task<MfaRecord?> FindAsync(string userId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT pending_totp_secret, pending_since, totp_secret, totp_enabled_at, last_totp_step, recovery_code_hashes " +
            "FROM miniauth_mfa WHERE user_id = @user", connection);
        command.Parameters.AddWithValue("user", userId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new MfaRecord
        {
            Id = userId,
            PendingTotpSecret = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0),
            PendingSince = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            TotpSecret = reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2),
            TotpEnabledAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
            LastTotpStep = reader.GetInt64(4),
            RecoveryCodeHashes = [.. reader.GetFieldValue<string[]>(5)],
        };
    }

    public async Task SetPendingTotpAsync(string userId, byte[] secret, DateTimeOffset now, CancellationToken ct) =>
        await ExecuteAsync(
            "INSERT INTO miniauth_mfa (user_id, pending_totp_secret, pending_since) VALUES (@user, @secret, @now) " +
            "ON CONFLICT (user_id) DO UPDATE SET pending_totp_secret = excluded.pending_totp_secret, pending_since = excluded.pending_since",
            ct, ("user", userId), ("secret", secret), ("now", now));

    public async Task<bool> TryEnableTotpAsync(string userId, byte[] expectedPending, long acceptedStep,
        IReadOnlyList<string> recoveryCodeHashes, DateTimeOffset now, CancellationToken ct) =>
        await ExecuteAsync(
            "UPDATE miniauth_mfa SET totp_secret = pending_totp_secret, totp_enabled_at = @now, pending_totp_secret = NULL, " +
            "pending_since = NULL, last_totp_step = @step, recovery_code_hashes = @codes " +
            "WHERE user_id = @user AND totp_secret IS NULL AND pending_totp_secret = @expected",
            ct, ("user", userId), ("expected", expectedPending), ("step", acceptedStep), ("codes", recoveryCodeHashes.ToArray()),
            ("now", now)) == 1;

    public async Task<bool> TryAcceptTotpStepAsync(string userId, byte[] secret, long step, CancellationToken ct) =>
        await ExecuteAsync(
            "UPDATE miniauth_mfa SET last_totp_step = @step WHERE user_id = @user AND totp_secret = @secret AND last_totp_step < @step",
            ct, ("user", userId), ("secret", secret), ("step", step)) == 1;

    public async Task<bool> TryUseRecoveryCodeAsync(string userId, string codeHash, CancellationToken ct) =>
        await ExecuteAsync(
            "UPDATE miniauth_mfa SET recovery_code_hashes = array_remove(recovery_code_hashes, @hash) " +
            "WHERE user_id = @user AND totp_secret IS NOT NULL AND @hash = ANY(recovery_code_hashes)",
            ct, ("user", userId), ("hash", codeHash)) == 1;

    public async Task<bool> DeleteAsync(string userId, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "DELETE FROM miniauth_mfa WHERE user_id = @user RETURNING totp_secret IS NOT NULL", connection);
        command.Parameters.AddWithValue("user", userId);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    public async Task<IReadOnlySet<string>> WithTotpAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (userIds.Count == 0) return found;
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT user_id FROM miniauth_mfa WHERE user_id = ANY(@users) AND totp_secret IS NOT NULL", connection);
        command.Parameters.AddWithValue("users", NpgsqlDbType.Array | NpgsqlDbType.Text, userIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) found.Add(reader.GetString(0));
        return found;
    }

    async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
