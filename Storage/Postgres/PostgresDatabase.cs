using Npgsql;

namespace MiniAuth.Storage.Postgres;

// The connection pool of the process, and the schema: created or upgraded on first use (at
// start, by StorageConnector), idempotently, under an advisory lock so that instances starting
// together take turns. Tables go to the first schema of the connection's search path.
public sealed class PostgresDatabase(IOptions<StorageOptions> options) : IAsyncDisposable
{
    // Each step runs once, in order, in the transaction that records it; never edit a shipped one.
    static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS miniauth_users (
            id text PRIMARY KEY,
            email text NOT NULL,
            normalized_email text NOT NULL UNIQUE,
            name text,
            password_hash text NOT NULL,
            roles text[] NOT NULL DEFAULT '{}',
            created_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS miniauth_users_created_at ON miniauth_users (created_at);
        CREATE TABLE IF NOT EXISTS miniauth_signing_keys (
            id text PRIMARY KEY,
            algorithm text NOT NULL,
            private_key bytea NOT NULL,
            created_at timestamptz NOT NULL,
            retired_at timestamptz);
        """,
        // Every key is ES256 and nothing reads the column: new instances stop writing it, and
        // instances of an older version that still do keep working.
        "ALTER TABLE miniauth_signing_keys ALTER COLUMN algorithm SET DEFAULT 'ES256';",
        // Accounts made before verification existed are unverified: nobody proved their mailbox.
        "ALTER TABLE miniauth_users ADD COLUMN IF NOT EXISTS email_verified boolean NOT NULL DEFAULT false;",
        // One-time tokens of mails, by the SHA-256 of the token; the token itself is never stored.
        """
        CREATE TABLE IF NOT EXISTS miniauth_account_tokens (
            token_hash text PRIMARY KEY,
            user_id text NOT NULL,
            kind text NOT NULL,
            data text,
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS miniauth_account_tokens_user ON miniauth_account_tokens (user_id, kind);
        CREATE INDEX IF NOT EXISTS miniauth_account_tokens_expires_at ON miniauth_account_tokens (expires_at);
        """,
        // Administration: disabled accounts, the last login, and the keyset of the admin's user
        // list (ids compared bytewise, whatever the database's collation).
        """
        ALTER TABLE miniauth_users ADD COLUMN IF NOT EXISTS disabled boolean NOT NULL DEFAULT false;
        ALTER TABLE miniauth_users ADD COLUMN IF NOT EXISTS last_login_at timestamptz;
        CREATE INDEX IF NOT EXISTS miniauth_users_page ON miniauth_users (created_at, id COLLATE "C");
        """,
        // The stored audit trail. Ids compare byte-wise (COLLATE "C"): they sort by time only so.
        """
        CREATE TABLE IF NOT EXISTS miniauth_audit_events (
            id text COLLATE "C" PRIMARY KEY,
            at timestamptz NOT NULL,
            type text NOT NULL,
            user_id text,
            session_id text,
            ip_address text,
            detail text);
        CREATE INDEX IF NOT EXISTS miniauth_audit_events_user ON miniauth_audit_events (user_id, id);
        CREATE INDEX IF NOT EXISTS miniauth_audit_events_type ON miniauth_audit_events (type, id);
        CREATE INDEX IF NOT EXISTS miniauth_audit_events_at ON miniauth_audit_events (at);
        """,
        // Second factors, one row per user, gone with the user. Secrets as the service protected
        // them; recovery codes as hashes only.
        """
        CREATE TABLE IF NOT EXISTS miniauth_mfa (
            user_id text PRIMARY KEY REFERENCES miniauth_users (id) ON DELETE CASCADE,
            pending_totp_secret bytea,
            pending_since timestamptz,
            totp_secret bytea,
            totp_enabled_at timestamptz,
            last_totp_step bigint NOT NULL DEFAULT 0,
            recovery_code_hashes text[] NOT NULL DEFAULT '{}');
        """,
        // Passkeys. A credential id belongs to one
        // user; a user's passkeys go with the user.
        """
        CREATE TABLE IF NOT EXISTS miniauth_passkeys (
            id text PRIMARY KEY,
            user_id text NOT NULL REFERENCES miniauth_users (id) ON DELETE CASCADE,
            credential_id text NOT NULL UNIQUE,
            public_key bytea NOT NULL,
            sign_count bigint NOT NULL,
            name text NOT NULL,
            created_at timestamptz NOT NULL,
            last_used_at timestamptz);
        CREATE INDEX IF NOT EXISTS miniauth_passkeys_user ON miniauth_passkeys (user_id);
        """,
    ];

    readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(options.Value.PostgresConnection!);
    readonly SemaphoreSlim _migrating = new(1, 1);
    volatile bool _ready;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        if (!_ready) await EnsureSchemaAsync(ct);
        return await OpenRawAsync(ct);
    }

    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        await _migrating.WaitAsync(ct);
        try
        {
            if (_ready) return;
            await using var connection = await OpenRawAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('miniauth schema ' || coalesce(current_schema(), '')))", ct);
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS miniauth_schema (version int NOT NULL)", ct);
            await using (var read = new NpgsqlCommand("SELECT max(version) FROM miniauth_schema", connection))
            {
                var applied = await read.ExecuteScalarAsync(ct) is int version ? version : 0;
                for (var step = applied; step < Migrations.Length; step++)
                {
                    await ExecuteAsync(connection, Migrations[step], ct);
                    await ExecuteAsync(connection, $"INSERT INTO miniauth_schema (version) VALUES ({step + 1})", ct);
                }
            }
            await transaction.CommitAsync(ct);
            _ready = true;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            var where = new NpgsqlConnectionStringBuilder(options.Value.PostgresConnection);
            throw new StorageUnavailableException(
                $"PostgreSQL at {where.Host}:{where.Port} database {where.Database ?? where.Username} (ConnectionStrings:Postgres, used for MiniAuth:Storage:Users) " +
                $"could not be used: {e.Message}", e);
        }
        finally { _migrating.Release(); }
    }

    async Task<NpgsqlConnection> OpenRawAsync(CancellationToken ct) => await _source.OpenConnectionAsync(ct);

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => _source.DisposeAsync();
}
