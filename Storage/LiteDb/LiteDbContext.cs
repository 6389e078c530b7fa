using System.Globalization;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MiniAuth.Storage.LiteDb;

// The one LiteDatabase of the process. LiteDB does not keep other processes out of its file,
// so the store holds StoreFileLock beside it for as long as it runs.
public sealed partial class LiteDbContext : IDisposable
{
    readonly StoreFileLock? _fileLock;

    public LiteDbContext(IOptions<StorageOptions> options, ILogger<LiteDbContext> logger)
    {
        var path = options.Value.Path;
        if (path != ":memory:")
        {
            path = System.IO.Path.GetFullPath(path);
            if (StoreFolder.Prepare(path)) LogFolderTightened(logger, System.IO.Path.GetDirectoryName(path)!);
            _fileLock = StoreFileLock.Acquire(path);
        }

        Database = new LiteDatabase(new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
            // Applies when the file is created; emails are normalized before they get here.
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        }, CreateMapper());

        Users = Database.GetCollection<UserRecord>("users");
        Users.EnsureIndex(u => u.NormalizedEmail, unique: true);
        // The order of the admin's user list (ListPageAsync).
        Users.EnsureIndex(u => u.CreatedAt);
        Sessions = Database.GetCollection<SessionRecord>("sessions");
        Sessions.EnsureIndex(s => s.UserId);
        Sessions.EnsureIndex(s => s.ExpiresAt);
        RevokedSessions = Database.GetCollection<RevokedSessionRecord>("revokedSessions", BsonAutoId.Int64);
        RevokedSessions.EnsureIndex(r => r.RevokedAt);
        // The sweeper finds revoked sessions through it (no scan of every session).
        Sessions.EnsureIndex(s => s.RevokedAt);
        SigningKeys = Database.GetCollection<SigningKeyRecord>("signingKeys");
        LoginFailures = Database.GetCollection<LoginFailureRecord>("loginFailures");
        LoginFailures.EnsureIndex(f => f.WindowEndsAt);
        AccountTokens = Database.GetCollection<AccountTokenRecord>("accountTokens");
        AccountTokens.EnsureIndex(t => t.UserId);
        AccountTokens.EnsureIndex(t => t.ExpiresAt);
        AuditEvents = Database.GetCollection<AuditEventRecord>("auditEvents");
        AuditEvents.EnsureIndex(e => e.UserId);
        AuditEvents.EnsureIndex(e => e.Type);
        AuditEvents.EnsureIndex(e => e.At);
        Mfa = Database.GetCollection<MfaRecord>("mfa");
        Passkeys = Database.GetCollection<PasskeyRecord>("passkeys");
        Passkeys.EnsureIndex(p => p.CredentialId, unique: true);
        Passkeys.EnsureIndex(p => p.UserId);
    }

    public LiteDatabase Database { get; }
    public ILiteCollection<UserRecord> Users { get; }
    public ILiteCollection<SessionRecord> Sessions { get; }
    public ILiteCollection<RevokedSessionRecord> RevokedSessions { get; }
    public ILiteCollection<SigningKeyRecord> SigningKeys { get; }
    public ILiteCollection<LoginFailureRecord> LoginFailures { get; }
    public ILiteCollection<AccountTokenRecord> AccountTokens { get; }
    public ILiteCollection<AuditEventRecord> AuditEvents { get; }
    public ILiteCollection<MfaRecord> Mfa { get; }
    public ILiteCollection<PasskeyRecord> Passkeys { get; }

    // Serialize the read-compare-write steps of a collection (rotation against revocation,
    // a rename against a password change, two failures counted at once).
    internal Lock UserWrites { get; } = new();
    internal Lock LoginFailureWrites { get; } = new();
    internal Lock AccountTokenWrites { get; } = new();
    internal Lock PasskeyWrites { get; } = new();

    public static BsonValue Serialize(DateTimeOffset value) => new(value.UtcTicks);

    static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper { EmptyStringToNull = false, TrimWhitespace = false };
        // UTC ticks keep full precision (LiteDB dates keep milliseconds) and compare as numbers.
        mapper.RegisterType(Serialize, bson => new DateTimeOffset(bson.AsInt64, TimeSpan.Zero));
        return mapper;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store folder {Folder} could be entered by other accounts; " +
        "MiniAuth made it the service account's alone (0700). Create it so (e.g. systemd StateDirectoryMode=0700) to keep this quiet.")]
    static partial void LogFolderTightened(ILogger logger, string folder);

    public void Dispose()
    {
        Database.Dispose();
        _fileLock?.Dispose();
    }
}
