using LiteDB;

namespace MiniAuth.Storage.LiteDb;

// Every call goes through db.Read/db.Write (a full disk is a 503, the engine reopens); the lock
// makes each read-compare-write one step.
public sealed class LiteDbMfaStore(LiteDbContext db) : IMfaStore
{
    readonly Lock _writes = new();

    public Task<MfaRecord?> FindAsync(string userId, CancellationToken ct) => db.Read<MfaRecord?>(() => db.Mfa.FindById(userId));

    public Task SetPendingTotpAsync(string userId, byte[] secret, DateTimeOffset now, CancellationToken ct)
    {
        return db.Write(() =>
        {
            lock (_writes)
            {
                var record = db.Mfa.FindById(userId) ?? new MfaRecord { Id = userId };
                record.PendingTotpSecret = secret;
                record.PendingSince = now;
                db.Mfa.Upsert(record);
            }
        });
    }

    public Task<bool> TryEnableTotpAsync(string userId, byte[] expectedPending, long acceptedStep,
        IReadOnlyList<string> recoveryCodeHashes, DateTimeOffset now, CancellationToken ct)
    {
        return db.Write(() =>
        {
            lock (_writes)
            {
                var record = db.Mfa.FindById(userId);
                if (record is null || record.HasTotp() || record.PendingTotpSecret is null
                    || !record.PendingTotpSecret.AsSpan().SequenceEqual(expectedPending))
                    return false;
                record.TotpSecret = record.PendingTotpSecret;
                record.TotpEnabledAt = now;
                record.PendingTotpSecret = null;
                record.PendingSince = null;
                record.LastTotpStep = acceptedStep;
                record.RecoveryCodeHashes = [.. recoveryCodeHashes];
                return db.Mfa.Update(record);
            }
        });
    }

    public Task<bool> TryAcceptTotpStepAsync(string userId, byte[] secret, long step, CancellationToken ct)
    {
        return db.Write(() =>
        {
            lock (_writes)
            {
                var record = db.Mfa.FindById(userId);
                if (record?.TotpSecret is null || !record.TotpSecret.AsSpan().SequenceEqual(secret) || record.LastTotpStep >= step)
                    return false;
                record.LastTotpStep = step;
                return db.Mfa.Update(record);
            }
        });
    }

    public Task<bool> TryUseRecoveryCodeAsync(string userId, string codeHash, CancellationToken ct)
    {
        return db.Write(() =>
        {
            lock (_writes)
            {
                var record = db.Mfa.FindById(userId);
                if (record is null || !record.HasTotp() || !record.RecoveryCodeHashes.Remove(codeHash)) return false;
                return db.Mfa.Update(record);
            }
        });
    }

    public Task<bool> DeleteAsync(string userId, CancellationToken ct)
    {
        return db.Write(() =>
        {
            lock (_writes)
            {
                var wasOn = db.Mfa.FindById(userId)?.HasTotp() == true;
                db.Mfa.Delete(userId);
                return wasOn;
            }
        });
    }

    public Task<IReadOnlySet<string>> WithTotpAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var ids = new BsonArray(userIds.Select(id => new BsonValue(id)));
        return db.Read<IReadOnlySet<string>>(() =>
            db.Mfa.Find(Query.In("_id", ids)).Where(r => r.HasTotp()).Select(r => r.Id).ToHashSet(StringComparer.Ordinal));
    }
}
