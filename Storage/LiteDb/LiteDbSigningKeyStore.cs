namespace MiniAuth.Storage.LiteDb;

// LiteDB has no async API: each method does its synchronous work and returns a finished task.
public sealed class LiteDbSigningKeyStore(LiteDbContext db) : ISigningKeyStore
{
    public Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<SigningKeyRecord>>(db.SigningKeys.FindAll().ToList());

    public Task AddAsync(SigningKeyRecord key, CancellationToken ct)
    {
        db.SigningKeys.Insert(key);
        return Task.CompletedTask;
    }

    public Task UpdateAsync(SigningKeyRecord key, CancellationToken ct)
    {
        db.SigningKeys.Update(key);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string id, CancellationToken ct)
    {
        db.SigningKeys.Delete(id);
        return Task.CompletedTask;
    }
}
