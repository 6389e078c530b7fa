using System.Diagnostics;

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

    public sealed record Run(int ExitCode, string Output, string Error);

    // The built MiniAuth.dll, as users run it, on the given store file.
    public static async Task<Run> RunAdminCommandAsync(string databasePath, params string[] args)
    {
        var host = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MiniAuth.dll"));
        start.ArgumentList.Add("admin");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.ArgumentList.Add($"--MiniAuth:Storage:Path={databasePath}");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await process.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"admin {string.Join(' ', args)} did not finish within 60 s");
        }
        return new Run(process.ExitCode, await output, await error);
    }
}
