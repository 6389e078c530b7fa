using System.Text;
using Isopoh.Cryptography.Argon2;
using Microsoft.Extensions.Options;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// libsodium computes one-lane hashes, Isopoh everything else; both read and write the same
// standard PHC strings, so a hash written by either verifies with the other.
public class PasswordHashingTests
{
    static readonly byte[] Password = Encoding.UTF8.GetBytes(HttpHelpers.Password);
    static readonly byte[] OtherPassword = Encoding.UTF8.GetBytes("not the password at all");

    static string IsopohHash(byte[] password, int parallelism, byte[]? salt = null) => Argon2.Hash(new Argon2Config
    {
        Type = Argon2Type.HybridAddressing,
        Version = Argon2Version.Nineteen,
        MemoryCost = 64,
        TimeCost = 1,
        Lanes = parallelism,
        Threads = 1,
        Password = password,
        Salt = salt ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(16),
        HashLength = 32,
    });

    static PasswordHasher Hasher(int memoryKiB = 64, int iterations = 1, int parallelism = 1) =>
        new(Options.Create(new PasswordHashingOptions { MemoryKiB = memoryKiB, Iterations = iterations, Parallelism = parallelism }));

    [Fact]
    public void BothEnginesWriteTheSamePhcStringForTheSameSalt()
    {
        var salt = Enumerable.Range(1, 16).Select(i => (byte)(i * 13)).ToArray();
        var isopoh = IsopohHash(Password, parallelism: 1, salt);
        var libsodium = new Argon2idPhc(64, 1, 1, salt, LibsodiumArgon2.Compute(Password, salt, 64, 1, 32)).ToString();
        Assert.Equal(isopoh, libsodium);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", libsodium);
    }

    [Fact]
    public void IsopohVerifiesWhatLibsodiumWrote()
    {
        var hash = LibsodiumArgon2.Hash(Password, 64, 1);
        Assert.True(Argon2.Verify(hash, Password, threads: 1));
        Assert.False(Argon2.Verify(hash, OtherPassword, threads: 1));
    }

    [Fact]
    public void LibsodiumVerifiesWhatIsopohWrote()
    {
        var phc = Argon2idPhc.TryParse(IsopohHash(Password, parallelism: 1));
        Assert.NotNull(phc);
        Assert.True(LibsodiumArgon2.CanCompute(phc));
        Assert.True(LibsodiumArgon2.Verify(phc, Password));
        Assert.False(LibsodiumArgon2.Verify(phc, OtherPassword));
    }

    [Fact]
    public async Task TheHasherWritesOneLaneHashesThatIsopohVerifies()
    {
        using var hasher = Hasher();
        var hash = await hasher.HashAsync(HttpHelpers.Password, CancellationToken.None);
        Assert.Matches(@"^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", hash);
        Assert.True(Argon2.Verify(hash, Password, threads: 1));
        Assert.Equal(PasswordCheck.Succeeded, await hasher.VerifyAsync(hash, HttpHelpers.Password, CancellationToken.None));
        Assert.Equal(PasswordCheck.Failed, await hasher.VerifyAsync(hash, "not the password at all", CancellationToken.None));
    }

    [Fact]
    public async Task TheHasherVerifiesMultiLaneHashesThatLibsodiumCannotCompute()
    {
        using var hasher = Hasher();
        var imported = IsopohHash(Password, parallelism: 2);
        Assert.False(LibsodiumArgon2.CanCompute(Argon2idPhc.TryParse(imported)!));
        Assert.Equal(PasswordCheck.SucceededNeedsRehash, await hasher.VerifyAsync(imported, HttpHelpers.Password, CancellationToken.None));
        Assert.Equal(PasswordCheck.Failed, await hasher.VerifyAsync(imported, "not the password at all", CancellationToken.None));
    }

    [Fact]
    public async Task AHasherConfiguredForSeveralLanesWritesHashesLibsodiumCannotButItVerifies()
    {
        using var hasher = Hasher(parallelism: 2);
        var hash = await hasher.HashAsync(HttpHelpers.Password, CancellationToken.None);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=2$", hash);
        Assert.Equal(PasswordCheck.Succeeded, await hasher.VerifyAsync(hash, HttpHelpers.Password, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$!!!!$AAAA")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$")]
    [InlineData("$argon2id$v=19$m=0,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2id$v=16$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task AMalformedStoredHashFailsVerificationWithoutThrowing(string stored)
    {
        using var hasher = Hasher();
        Assert.Equal(PasswordCheck.Failed, await hasher.VerifyAsync(stored, HttpHelpers.Password, CancellationToken.None));
    }

    [Fact]
    public async Task LoginAcceptsAnIsopohHashAtTheCurrentParametersAndKeepsIt()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
        var users = app.Get<IUserStore>();
        var user = (await users.FindByEmailAsync(email.ToUpperInvariant(), CancellationToken.None))!;
        var imported = IsopohHash(Password, parallelism: 1);
        Assert.True(await users.TryReplacePasswordHashAsync(user.Id, user.PasswordHash, imported, CancellationToken.None));
        user.PasswordHash = imported;

        await client.LoginAsync(email);

        Assert.Equal(user.PasswordHash, (await users.FindByIdAsync(user.Id, CancellationToken.None))!.PasswordHash);
    }

    [Fact]
    public async Task LoginRehashesAnImportedMultiLaneHashWithTheCurrentParameters()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
        var users = app.Get<IUserStore>();
        var user = (await users.FindByEmailAsync(email.ToUpperInvariant(), CancellationToken.None))!;
        var imported = IsopohHash(Password, parallelism: 2);
        Assert.True(await users.TryReplacePasswordHashAsync(user.Id, user.PasswordHash, imported, CancellationToken.None));
        user.PasswordHash = imported;

        // A wrong password changes nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email, "not the password at all")).StatusCode);
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=2$", (await users.FindByIdAsync(user.Id, CancellationToken.None))!.PasswordHash);

        await client.LoginAsync(email);

        var rehashed = (await users.FindByIdAsync(user.Id, CancellationToken.None))!.PasswordHash;
        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", rehashed);
        Assert.True(Argon2.Verify(rehashed, Password, threads: 1));
        await client.LoginAsync(email);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostLoginAsync(email, "not the password at all")).StatusCode);
    }
}
