using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace MiniAuth.Bench;

// What a virtual user asks of MiniAuth, one request each; true when it was answered as it should be.
static class MiniAuthSteps
{
    internal static async Task<List<VirtualUser>> SetUpUsersAsync(HttpClient client, int count)
    {
        var users = Enumerable.Range(0, count).Select(i => new VirtualUser(i, $"bench-user-{i}@example.test")).ToList();
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (user, _) =>
        {
            if (!await SignUpAsync(client, user.Email)) throw new InvalidOperationException($"Signup of {user.Email} failed.");
            if (!await LoginAsync(client, user)) throw new InvalidOperationException($"Login of {user.Email} failed.");
        });
        return users;
    }

    internal static async Task<bool> GetAsync(HttpClient client, string path, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.OK;
    }

    // Body delivery: the refresh token travels in the Authorization header and comes back in the body.
    internal static async Task<bool> RestoreAsync(HttpClient client, VirtualUser user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.RefreshToken);
        using var response = await client.SendAsync(request);
        return await ReadTokensAsync(response, user);
    }

    internal static async Task<bool> LoginAsync(HttpClient client, VirtualUser user)
    {
        using var response = await client.PostAsJsonAsync("/auth/login",
            new { email = user.Email, password = BenchRun.Password, refreshTokenDelivery = "body" });
        return await ReadTokensAsync(response, user);
    }

    internal static async Task<bool> SignUpAsync(HttpClient client, string email)
    {
        using var response = await client.PostAsJsonAsync("/auth/signup", new { email, password = BenchRun.Password });
        await response.Content.ReadAsByteArrayAsync();
        return response.StatusCode == HttpStatusCode.Created;
    }

    // MiniAuth's token response and Identity's share these two fields.
    internal static async Task<bool> ReadTokensAsync(HttpResponseMessage response, VirtualUser user)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) return false;
        using var json = JsonDocument.Parse(body);
        user.AccessToken = json.RootElement.GetProperty("accessToken").GetString()!;
        user.RefreshToken = json.RootElement.GetProperty("refreshToken").GetString()!;
        return true;
    }
}
