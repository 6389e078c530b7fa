using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// LiteDB has no async API: each method does its synchronous work and returns a finished task.
// The lock makes each read-compare-write one step.
public sealed class LiteDbMfaStore(LiteDbContext db) : IMfaStore
{
    readonly Lock _writes = new();

    public Task<MfaRecord?> FindAsync(string userId, CancellationToken ct) =>
        Task.FromResult<MfaRecord?>(db.Mfa.FindById(userId));

    public Task SetPendingTotpAsync(string userId, byte[] secret, DateTimeOffset now, CancellationToken ct)
    {
        lock (_writes)
        {
            var record = db.Mfa.FindById(userId) ?? new MfaRecord { Id = userId };
            record.PendingTotpSecret = secret;
            record.PendingSince = now;
            db.Mfa.Upsert(record);
        }
        return Task.CompletedTask;
    }

    public Task<bool> TryEnableTotpAsync(string userId, byte[] expectedPending, long acceptedStep,
        IReadOnlyList<string> recoveryCodeHashes, DateTimeOffset now, CancellationToken ct)
    {
        lock (_writes)
        {
            var record = db.Mfa.FindById(userId);
            if (record is null || record.HasTotp() || record.PendingTotpSecret is null
                || !record.PendingTotpSecret.AsSpan().SequenceEqual(expectedPending))
                return Task.FromResult(false);
            record.TotpSecret = record.PendingTotpSecret;
            record.TotpEnabledAt = now;
            record.PendingTotpSecret = null;
            record.PendingSince = null;
            record.LastTotpStep = acceptedStep;
            record.RecoveryCodeHashes = [.. recoveryCodeHashes];
            return Task.FromResult(db.Mfa.Update(record));
        }
    }

    public Task<bool> TryAcceptTotpStepAsync(string userId, byte[] secret, long step, CancellationToken ct)
    {
        lock (_writes)
        {
            var record = db.Mfa.FindById(userId);
            if (record?.TotpSecret is null || !record.TotpSecret.AsSpan().SequenceEqual(secret) || record.LastTotpStep >= step)
                return Task.FromResult(false);
            record.LastTotpStep = step;
            return Task.FromResult(db.Mfa.Update(record));
        }
    }

    public Task<bool> TryUseRecoveryCodeAsync(string userId, string codeHash, CancellationToken ct)
    {
        lock (_writes)
        {
            var record = db.Mfa.FindById(userId);
            if (record is null || !record.HasTotp() || !record.RecoveryCodeHashes.Remove(codeHash)) return Task.FromResult(false);
            return Task.FromResult(db.Mfa.Update(record));
        }
    }

    public Task<bool> DeleteAsync(string userId, CancellationToken ct)
    {
        lock (_writes)
        {
            var wasOn = db.Mfa.FindById(userId)?.HasTotp() == true;
            db.Mfa.Delete(userId);
            return Task.FromResult(wasOn);
        }
    }

    public Task<IReadOnlySet<string>> WithTotpAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var ids = new BsonArray(userIds.Select(id => new BsonValue(id)));
        var found = db.Mfa.Find(Query.In("_id", ids)).Where(r => r.HasTotp()).Select(r => r.Id);
        return Task.FromResult<IReadOnlySet<string>>(found.ToHashSet(StringComparer.Ordinal));
    }
}
