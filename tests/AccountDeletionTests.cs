using MiniAuth.Storage;

namespace MiniAuth.Tests;

public class AccountDeletionTests
{
    static Task<HttpResponseMessage> DeleteAccountAsync(HttpClient client, string accessToken, string currentPassword = HttpHelpers.Password) =>
        client.SendAsync(HttpMethod.Delete, "/profile", accessToken, new { currentPassword });

    [Fact]
    public async Task AccountDeletionEndsEverySessionRemovesTheTokensAndFreesTheEmail()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var phone = await client.LoginAsync(email, delivery: "body");
        var laptop = await client.LoginAsync(email);
        var reset = await app.ResetTokenAsync(client, email);

        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAccountAsync(client, laptop.AccessToken)).StatusCode);

        Assert.Equal("account_deleted", await client.EndReasonAsync(phone.AccessToken));
        Assert.Equal("account_deleted", await client.EndReasonAsync(laptop.AccessToken));
        var restore = await (await client.RestoreWithBearerAsync(phone.Refresh)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("account_deleted", restore.GetProperty("reason").GetString());
        await (await client.PostLoginAsync(email)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.ResetPasswordAsync(reset)).AssertTokenRefusedAsync();
        Assert.Null(await app.Get<IUserStore>().FindByIdAsync(phone.UserId(), CancellationToken.None));
        app.Logs.AssertAudit("AccountDeleted", ("UserId", phone.UserId()), ("EndedSessions", "2"));

        var again = await client.SignUpAndLoginAsync(email: email);
        Assert.NotEqual(phone.UserId(), again.UserId());
    }

    [Fact]
    public async Task AccountDeletionWithAWrongCurrentPasswordIs400AndKeepsTheAccount()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var problem = await (await DeleteAccountAsync(client, login.AccessToken, "not the password at all")).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("currentPassword", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task AccountDeletionWithoutABodyIs400()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        await (await client.SendAsync(HttpMethod.Delete, "/profile", login.AccessToken)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task TheLastAdminCannotDeleteTheirOwnAccount()
    {
        await using var app = new MiniAuthApp(settings: AdminTestHelpers.WithAdmin());
        var client = app.NewClient();
        var admin = await client.LoginAdminAsync();

        var refused = await (await DeleteAccountAsync(client, admin.AccessToken, AdminTestHelpers.AdminPassword)).AssertProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal("last_admin", refused.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(admin.AccessToken)).StatusCode);
    }
}
