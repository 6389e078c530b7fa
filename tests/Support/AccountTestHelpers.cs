using System.Net.Http.Headers;

namespace MiniAuth.Tests;

// Requests from a given client address, device and forwarded chain, for the session, admin and
// brute-force tests.
public static class AccountTestHelpers
{
    public static HttpRequestMessage From(this HttpRequestMessage request, string? address = null, string? userAgent = null, string? forwardedFor = null)
    {
        if (address is not null) request.Headers.Add(TestClientAddress.Header, address);
        if (userAgent is not null) request.Headers.UserAgent.ParseAdd(userAgent);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    public static HttpRequestMessage Post(string url, object body) =>
        new(HttpMethod.Post, url) { Content = JsonContent.Create(body) };

    public static HttpRequestMessage WithBearer(this HttpRequestMessage request, string accessToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    public static Task<HttpResponseMessage> LoginFromAsync(this HttpClient client, string email, string password = HttpHelpers.Password,
        string? address = null, string? userAgent = null, string? forwardedFor = null) =>
        client.SendAsync(Post("/auth/login", new { email, password }).From(address, userAgent, forwardedFor));

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, string accessToken, object? body = null, string? address = null)
    {
        var request = new HttpRequestMessage(method, url).WithBearer(accessToken).From(address);
        if (body is not null) request.Content = JsonContent.Create(body);
        return client.SendAsync(request);
    }

    public static async Task<string> NewAccountAsync(this HttpClient client, string? email = null, string password = HttpHelpers.Password)
    {
        email ??= HttpHelpers.NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email, password)).StatusCode);
        return email;
    }

    public static async Task<JsonElement[]> ListSessionsAsync(this HttpClient client, string accessToken, string url = "/sessions")
    {
        var response = await client.SendAsync(HttpMethod.Get, url, accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).EnumerateArray().ToArray();
    }

    // The 401 a protected route gives for an access token whose session has ended: its detail.
    public static async Task<string> RefusedDetailAsync(this HttpClient client, string accessToken)
    {
        var problem = await (await client.FetchProfileAsync(accessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        return problem.GetProperty("detail").GetString()!;
    }

    public static string UserId(this Login login) => HttpHelpers.Claims(login.AccessToken).GetProperty("sub").GetString()!;

    public static string SessionId(this Login login) => HttpHelpers.Claims(login.AccessToken).GetProperty("sid").GetString()!;

    // A store file that outlives one app, for restarts; the caller deletes its folder.
    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"), "miniauth.db");

    public static void DeleteDatabase(string databasePath)
    {
        try { Directory.Delete(Path.GetDirectoryName(databasePath)!, recursive: true); }
        catch (IOException) { }
    }
}
