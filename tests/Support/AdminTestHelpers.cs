namespace MiniAuth.Tests;

// The seeded admin, the admin routes as a client calls them, and `MiniAuth admin …` in a child process.
public static class AdminTestHelpers
{
    public const string AdminEmail = "root@example.test";
    public const string AdminPassword = "the root admin's passphrase";

    public static Dictionary<string, string?> WithAdmin(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["MiniAuth:Admin:Email"] = AdminEmail,
            ["MiniAuth:Admin:Password"] = AdminPassword,
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    public static Task<Login> LoginAdminAsync(this HttpClient client) => client.LoginAsync(AdminEmail, AdminPassword, delivery: "body");

    public static Task<HttpResponseMessage> PatchUserAsync(this HttpClient client, string accessToken, string userId, object body) =>
        client.SendAsync(HttpMethod.Patch, $"/admin/users/{userId}", accessToken, body);

    public static async Task<string> CreateInviteAsync(this HttpClient client, string accessToken, object? body = null)
    {
        var response = await client.SendAsync(HttpMethod.Post, "/admin/invites", accessToken, body ?? new { });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("code").GetString()!;
    }

    public static Task<HttpResponseMessage> SignUpWithInviteAsync(this HttpClient client, string email, string? invite) =>
        client.PostAsJsonAsync("/auth/signup", new { email, password = HttpHelpers.Password, invite });

    public static async Task<string> CodeAsync(this HttpResponseMessage response, HttpStatusCode status) =>
        (await response.AssertProblemAsync(status)).GetProperty("code").GetString()!;

    public static string[] Roles(this Login login) =>
        HttpHelpers.Claims(login.AccessToken).GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray();

    // The built MiniAuth.dll, as users run it, on the given store file.
    public static Task<Run> RunAdminCommandAsync(string databasePath, params string[] args) =>
        ServiceProcess.RunAsync(["admin", .. args, $"--MiniAuth:Storage:Path={databasePath}"]);
}
