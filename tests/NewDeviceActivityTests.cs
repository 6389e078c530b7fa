namespace MiniAuth.Tests;

// "Sign-in from a new device" in the user's own activity: a login without this account's
// __Host-device cookie (another browser, a cleared one, or the cookie of another account).
public sealed class NewDeviceActivityTests
{
    const string DeviceCookie = "__Host-device";

    [Fact]
    public async Task OnlyALoginWithoutTheAccountsDeviceCookieShowsAsANewDevice()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var email = await client.NewAccountAsync();
        var other = await client.NewAccountAsync();

        var first = await LoginAsync(client, email, null);
        var device = HttpHelpers.RefreshCookie(first.Response, DeviceCookie)!.Value.Value!;
        var sameBrowser = await LoginAsync(client, email, device);
        var otherAccountsDevice = HttpHelpers.RefreshCookie((await LoginAsync(client, other, null)).Response, DeviceCookie)!.Value.Value!;
        var borrowed = await LoginAsync(client, email, otherAccountsDevice);

        var items = await app.AuditItemsAsync(client, borrowed.AccessToken, "/profile/activity");
        Assert.Equal("NewDeviceSignIn,LoginSucceeded,LoginSucceeded,NewDeviceSignIn,LoginSucceeded,SignedUp",
            string.Join(",", items.Select(i => i.Text("type"))));
        Assert.Equal(borrowed.SessionId(), items[0].Text("sessionId"));
        Assert.Equal(first.SessionId(), items[3].Text("sessionId"));
        Assert.DoesNotContain(items, i => i.Text("sessionId") == sameBrowser.SessionId() && i.Text("type") == "NewDeviceSignIn");
    }

    static async Task<Login> LoginAsync(HttpClient client, string email, string? device)
    {
        var request = AccountTestHelpers.Post("/auth/login", new { email, password = HttpHelpers.Password, refreshTokenDelivery = "body" });
        if (device is not null) request.Headers.Add("Cookie", $"{DeviceCookie}={device}");
        return await HttpHelpers.ReadLoginAsync(await client.SendAsync(request));
    }
}
