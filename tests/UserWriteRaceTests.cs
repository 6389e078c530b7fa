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

    sealed class ChangesPasswordAfterRead(IUserStore inner, PasswordHasher hasher, string racedPassword) : ForwardingUserStore(inner)
    {
        int _armed;

        public void Arm() => Volatile.Write(ref _armed, 1);

        public override async Task<UserRecord?> FindByIdAsync(string id, CancellationToken ct)
        {
            var user = await Inner.FindByIdAsync(id, ct);
            if (user is not null && Interlocked.Exchange(ref _armed, 0) == 1)
                Assert.True(await Inner.TryReplacePasswordHashAsync(id, user.PasswordHash, await hasher.HashAsync(racedPassword, ct), ct));
            return user;
        }
    }
}
