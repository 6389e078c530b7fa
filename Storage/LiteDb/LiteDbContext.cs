using System.Globalization;
using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MiniAuth.Storage.LiteDb;

// The one LiteDatabase of the process. LiteDB does not keep other processes out of its file,
// so the store holds StoreFileLock beside it for as long as it runs.
// LiteDB closes its engine for good at the first I/O failure (a full disk): every later call,
// reads included, throws that failure again. So the stores call it through Read/Write, which
// turn such a failure into StoreFileUnavailableException (a 503) and open the engine afresh at
// the next call: what was acknowledged is in the data file or its log, which LiteDB replays.
public sealed partial class LiteDbContext : IDisposable
{
    readonly StoreFileLock? _fileLock;
    readonly ConnectionString _connection;
    readonly BsonMapper _mapper = CreateMapper();
    readonly ILogger<LiteDbContext> _logger;
    readonly Lock _reopening = new();
    LiteDatabase _database;
    // Which opening of the engine failed: a failure seen on an engine already replaced is no news.
    int _generation;
    volatile bool _broken;
    // The last failure on the file, until a write succeeds again (reads may answer meanwhile).
    volatile StoreFileFault? _fault;
    volatile bool _disposed;
    long _probes;

    public LiteDbContext(IOptions<StorageOptions> options, ILogger<LiteDbContext> logger)
    {
        _logger = logger;
        var path = options.Value.Path;
        if (path != ":memory:")
        {
            path = System.IO.Path.GetFullPath(path);
            if (StoreFolder.Prepare(path)) LogFolderTightened(logger, System.IO.Path.GetDirectoryName(path)!);
            _fileLock = StoreFileLock.Acquire(path);
        }

        _connection = new ConnectionString
        {
            Filename = path,
            Connection = ConnectionType.Direct,
            // Applies when the file is created; emails are normalized before they get here.
            Collation = new Collation(CultureInfo.InvariantCulture.LCID, CompareOptions.Ordinal),
        };
        _database = Open();
    }

    public LiteDatabase Database => _database;
    public ILiteCollection<UserRecord> Users => _database.GetCollection<UserRecord>("users");
    public ILiteCollection<SessionRecord> Sessions => _database.GetCollection<SessionRecord>("sessions");
    public ILiteCollection<SigningKeyRecord> SigningKeys => _database.GetCollection<SigningKeyRecord>("signingKeys");
    public ILiteCollection<LoginFailureRecord> LoginFailures => _database.GetCollection<LoginFailureRecord>("loginFailures");
    public ILiteCollection<AccountTokenRecord> AccountTokens => _database.GetCollection<AccountTokenRecord>("accountTokens");
    public ILiteCollection<AuditEventGroup> AuditGroups => _database.GetCollection<AuditEventGroup>(AuditGroupsName);
    public ILiteCollection<RevokedSessionRecord> RevokedSessions => _database.GetCollection<RevokedSessionRecord>("revokedSessions", BsonAutoId.Int64);
    public ILiteCollection<MfaRecord> Mfa => _database.GetCollection<MfaRecord>("mfa");
    public ILiteCollection<PasskeyRecord> Passkeys => _database.GetCollection<PasskeyRecord>("passkeys");

    // Serialize the read-compare-write steps of a collection (a rename against a password change,
    // two failures counted at once; sessions queue on their store's own gate).
    internal Lock UserWrites { get; } = new();
    internal Lock LoginFailureWrites { get; } = new();
    internal Lock AccountTokenWrites { get; } = new();
    internal Lock PasskeyWrites { get; } = new();

    public static BsonValue Serialize(DateTimeOffset value) => new(value.UtcTicks);

    // LiteDB has no async API: each call does its synchronous work and returns a finished task.
    internal Task<T> Read<T>(Func<T> read) => Task.FromResult(Run(read, write: false));
    internal Task<T> Write<T>(Func<T> write) => Task.FromResult(Run(write, write: true));

    internal Task Write(Action write)
    {
        Run(() => { write(); return true; }, write: true);
        return Task.CompletedTask;
    }

    // Several writes that land together or not at all. LiteDB's transactions belong to the calling
    // thread: call it inside Write, which runs its work on this one.
    internal T InTransaction<T>(Func<T> work) => InTransaction(_database, work);

    static T InTransaction<T>(LiteDatabase database, Func<T> work)
    {
        database.BeginTrans();
        try
        {
            var result = work();
            database.Commit();
            return result;
        }
        catch
        {
            database.Rollback();
            throw;
        }
    }

    // For /health while a write has failed: one small write says whether the disk has room again.
    public string? ProbeWrites()
    {
        if (_fault is null) return null;
        try
        {
            var probe = new BsonDocument { ["_id"] = "probe", ["n"] = Interlocked.Increment(ref _probes) };
            Run(() => _database.GetCollection("writeProbe").Upsert(probe), write: true);
            return null;
        }
        catch (StoreFileUnavailableException e) { return e.Message; }
    }

    T Run<T>(Func<T> call, bool write)
    {
        if (_broken) Reopen();
        var generation = Volatile.Read(ref _generation);
        try
        {
            var result = call();
            if (write && _fault is not null) Recovered();
            return result;
        }
        catch (Exception e) when (StoreFileFault.Of(e) is { } fault)
        {
            Failed(generation, fault, e);
            throw new StoreFileUnavailableException(fault.Detail, e);
        }
    }

    void Failed(int generation, StoreFileFault fault, Exception e)
    {
        _fault = fault;
        lock (_reopening)
        {
            if (generation != _generation || _broken || _disposed) return;
            _broken = true;
        }
        LogFileFailed(_logger, e, fault.Reason);
    }

    void Reopen()
    {
        lock (_reopening)
        {
            if (!_broken) return;
            try
            {
                // LiteDB closed the engine when it failed; this only lets go of what it still holds.
                try { _database.Dispose(); } catch (Exception e) when (StoreFileFault.Of(e) is not null) { }
                LeftTransactions.Defuse(_database);
                _database = Open();
                _generation++;
                _broken = false;
            }
            catch (Exception e) when (StoreFileFault.Of(e) is { } fault)
            {
                _fault ??= fault;
                throw new StoreFileUnavailableException(fault.Detail, e);
            }
        }
    }

    void Recovered()
    {
        _fault = null;
        LogWritable(_logger);
    }

    // A half-opened engine is let go at once: it would hold the file against the next try.
    LiteDatabase Open()
    {
        var database = new LiteDatabase(_connection, _mapper);
        try
        {
            EnsureIndexes(database);
            return database;
        }
        catch
        {
            try { database.Dispose(); } catch (Exception e) when (StoreFileFault.Of(e) is not null) { }
            throw;
        }
    }

    static void EnsureIndexes(LiteDatabase database)
    {
        var users = database.GetCollection<UserRecord>("users");
        users.EnsureIndex(u => u.NormalizedEmail, unique: true);
        // The order of the admin's user list (ListPageAsync).
        users.EnsureIndex(u => u.CreatedAt);
        var sessions = database.GetCollection<SessionRecord>("sessions");
        sessions.EnsureIndex(s => s.UserId);
        WithExpiresHour(sessions);
        // The sweeper finds revoked sessions through it (no scan of every session).
        sessions.EnsureIndex(s => s.RevokedAt);
        database.GetCollection<RevokedSessionRecord>("revokedSessions", BsonAutoId.Int64).EnsureIndex(r => r.RevokedAt);
        database.GetCollection<LoginFailureRecord>("loginFailures").EnsureIndex(f => f.WindowEndsAt);
        var accountTokens = database.GetCollection<AccountTokenRecord>("accountTokens");
        accountTokens.EnsureIndex(t => t.UserId);
        accountTokens.EnsureIndex(t => t.ExpiresAt);
        var auditGroups = database.GetCollection<AuditEventGroup>(AuditGroupsName);
        auditGroups.EnsureIndex(g => g.UserId);
        auditGroups.EnsureIndex(nameof(AuditEventGroup.Types), "$.Types[*]");
        IntoAuditGroups(database, auditGroups);
        var passkeys = database.GetCollection<PasskeyRecord>("passkeys");
        passkeys.EnsureIndex(p => p.CredentialId, unique: true);
        passkeys.EnsureIndex(p => p.UserId);
    }

    // Sessions written before ExpiresHour have none: they are written again so the sweeper finds
    // them (looked for at every opening, in case one was cut short); the index on ExpiresAt it
    // replaces is let go.
    static void WithExpiresHour(ILiteCollection<SessionRecord> sessions)
    {
        sessions.EnsureIndex(s => s.ExpiresHour);
        sessions.DropIndex(nameof(SessionRecord.ExpiresAt));
        List<SessionRecord> older;
        while ((older = sessions.Find(Query.EQ(nameof(SessionRecord.ExpiresHour), BsonValue.Null), limit: 1000).ToList()).Count > 0)
            sessions.Update(older);
    }

    const string AuditGroupsName = "auditGroups";

    // A trail stored one event per document (before AuditEventGroup) moves into groups at the
    // first opening, a thousand events per transaction, oldest first; the old collection then goes.
    static void IntoAuditGroups(LiteDatabase database, ILiteCollection<AuditEventGroup> groups)
    {
        const string single = "auditEvents";
        if (!database.CollectionExists(single)) return;
        var events = database.GetCollection<AuditEventRecord>(single);
        List<AuditEventRecord> oldest;
        while ((oldest = events.Query().OrderBy(e => e.Id).Limit(1000).ToList()).Count > 0)
            InTransaction(database, () =>
            {
                groups.InsertBulk(AuditEventGroup.Of(oldest));
                return events.DeleteMany(Query.LTE("_id", oldest[^1].Id));
            });
        database.DropCollection(single);
    }

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

    [LoggerMessage(Level = LogLevel.Error, Message = "The store file failed ({Reason}): calls answer 503 until it works again; " +
        "MiniAuth reopens it at the next call")]
    static partial void LogFileFailed(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The store file takes writes again")]
    static partial void LogWritable(ILogger logger);

    public void Dispose()
    {
        lock (_reopening)
        {
            _disposed = true;
            _broken = false;
            _database.Dispose();
        }
        _fileLock?.Dispose();
    }
}
