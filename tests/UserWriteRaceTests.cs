using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth;
using MiniAuth.Storage.LiteDb;
using MiniAuth.Storage;

namespace MiniAuth.Tests;

// Two writes to one user that overlap must not undo each other.
public class UserWriteRaceTests
{
    [Fact]
    public async Task APasswordChangeThatLostARaceIs409AndUndoesNothing()
    {
        const string racedPassword = "the password set meanwhile";
        await using var app = new MiniAuthApp();
        // The user is read, then another request changes the password before this one writes.
        await using var raced = app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddSingleton<IUserStore>(provider => new ChangesPasswordAfterRead(
                ActivatorUtilities.CreateInstance<LiteDbUserStore>(provider), provider.GetRequiredService<PasswordHasher>(), racedPassword))));
        var racedClient = raced.CreateClient(new() { BaseAddress = new Uri("https://localhost") });
        var email = HttpHelpers.NewEmail();
        var login = await racedClient.SignUpAndLoginAsync(email: email);
        // Armed after the login, whose own re-read of the user must not be the one raced.
        ((ChangesPasswordAfterRead)raced.Services.GetRequiredService<IUserStore>()).Arm();

        var response = await racedClient.SendWithBearerAsync(HttpMethod.Post, "/profile/password", login.AccessToken,
            new { currentPassword = HttpHelpers.Password, newPassword = "a brand new passphrase" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("another request", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await racedClient.PostLoginAsync(email, racedPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await racedClient.PostLoginAsync(email, "a brand new passphrase")).StatusCode);
    }

    sealed class ChangesPasswordAfterRead(IUserStore inner, PasswordHasher hasher, string racedPassword) : IUserStore
    {
        int _armed;

        public void Arm() => Volatile.Write(ref _armed, 1);

        public async Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct)
        {
            var user = await inner.FindByIdAsync(id, ct);
            if (user is not null && Interlocked.Exchange(ref _armed, 0) == 1)
                Assert.True(await inner.TryReplacePasswordHashAsync(id, user.PasswordHash, await hasher.HashAsync(racedPassword, ct), ct));
            return user;
        }

        public Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken ct) => inner.FindByEmailAsync(normalizedEmail, ct);
        public Task<bool> TryCreateAsync(UserRecord user, CancellationToken ct) => inner.TryCreateAsync(user, ct);
        public Task UpdateNameAsync(string id, string? name, CancellationToken ct) => inner.UpdateNameAsync(id, name, ct);
        public Task<bool> TryReplacePasswordHashAsync(string id, string expectedHash, string newHash, CancellationToken ct) =>
            inner.TryReplacePasswordHashAsync(id, expectedHash, newHash, ct);
        public Task AddRoleAsync(string id, string role, CancellationToken ct) => inner.AddRoleAsync(id, role, ct);
        public Task<IReadOnlyList<UserRecord>> ListAsync(CancellationToken ct) => inner.ListAsync(ct);
        public Task<bool> TryMarkEmailVerifiedAsync(string id, string expectedNormalizedEmail, CancellationToken ct) =>
            inner.TryMarkEmailVerifiedAsync(id, expectedNormalizedEmail, ct);
        public Task<bool> TryChangeEmailAsync(string id, string expectedNormalizedEmail, string newEmail, string newNormalizedEmail, CancellationToken ct) =>
            inner.TryChangeEmailAsync(id, expectedNormalizedEmail, newEmail, newNormalizedEmail, ct);
        public Task<bool> DeleteAsync(string id, CancellationToken ct) => inner.DeleteAsync(id, ct);
        public Task<IReadOnlyList<UserRecord>> ListPageAsync(string? search, UserPageKey? after, int limit, CancellationToken ct) =>
            inner.ListPageAsync(search, after, limit, ct);
        public Task<UserChangeResult> TryChangeAsync(string id, UserChanges changes, string keptRole, CancellationToken ct) =>
            inner.TryChangeAsync(id, changes, keptRole, ct);
        public Task<UserChangeOutcome> TryDeleteAsync(string id, string keptRole, CancellationToken ct) => inner.TryDeleteAsync(id, keptRole, ct);
        public Task RecordLoginAsync(string id, DateTimeOffset at, CancellationToken ct) => inner.RecordLoginAsync(id, at, ct);
    }
}
