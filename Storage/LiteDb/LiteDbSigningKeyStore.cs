namespace MiniAuth.Storage.LiteDb;

public sealed class LiteDbSigningKeyStore(LiteDbContext db) : ISigningKeyStore
{
    public Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken ct) =>
        db.Read<IReadOnlyList<SigningKeyRecord>>(() => db.SigningKeys.FindAll().ToList());

    public Task AddAsync(SigningKeyRecord key, CancellationToken ct) => db.Write(() => db.SigningKeys.Insert(key));

    public Task UpdateAsync(SigningKeyRecord key, CancellationToken ct) => db.Write(() => db.SigningKeys.Update(key));

    public Task DeleteAsync(string id, CancellationToken ct) => db.Write(() => db.SigningKeys.Delete(id));
}
