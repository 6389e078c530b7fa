using MiniAuth.Storage;
using MiniAuth.Storage.LiteDb;

namespace MiniAuth.Tests;

// "admin" is the role as the store has it now, not as an access token of up to an hour ago says.
public class AdminAuthorizationTests
{
    [Fact]
    public async Task AUserPromotedInTheStoreIsAnAdminWithTheTokenTheyAlreadyHold()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        var url = $"/admin/users/{login.UserId()}/sessions";
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendWithBearerAsync(HttpMethod.Get, url, login.AccessToken)).StatusCode);

        await app.Get<IUserStore>().AddRoleAsync(login.UserId(), "admin", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, (await client.SendWithBearerAsync(HttpMethod.Get, url, login.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task AnAdminDemotedInTheStoreLosesTheAdminRoutesAtOnce()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:Admin:Email"] = "admin@example.test",
            ["MiniAuth:Admin:Password"] = "the admin's first passphrase",
        });
        var client = app.NewClient();
        var admin = await client.LoginAsync("admin@example.test", "the admin's first passphrase", delivery: "body");
        Assert.Contains("admin", HttpHelpers.Claims(admin.AccessToken).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var url = $"/admin/users/{admin.UserId()}/sessions";
        Assert.Equal(HttpStatusCode.OK, (await client.SendWithBearerAsync(HttpMethod.Get, url, admin.AccessToken)).StatusCode);

        // No route demotes yet: the store is changed as an operator would.
        var users = app.Get<LiteDbContext>().Users;
        var record = users.FindById(admin.UserId());
        record.Roles.Clear();
        users.Update(record);

        var refused = await (await client.SendWithBearerAsync(HttpMethod.Get, url, admin.AccessToken)).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", refused.GetProperty("code").GetString());
    }
}
