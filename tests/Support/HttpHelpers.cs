using System.Net.Http.Headers;
using Microsoft.Net.Http.Headers;

namespace MiniAuth.Tests;

public sealed record Login(HttpResponseMessage Response, JsonElement Body, string AccessToken, string? RefreshToken, SetCookieHeaderValue? Cookie)
{
    // The refresh token however it travelled.
    public string Refresh => RefreshToken ?? Cookie!.Value.Value!;
}

public static class HttpHelpers
{
    public const string Password = "correct horse battery staple";
    public const string RefreshCookieName = "__Host-refresh_token";

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.test";

    public static Task<HttpResponseMessage> SignUpAsync(this HttpClient client, string email, string password = Password, string? name = null) =>
        client.PostAsJsonAsync("/auth/signup", new { email, password, name });

    public static Task<HttpResponseMessage> PostLoginAsync(this HttpClient client, string email, string password = Password, string? delivery = null) =>
        client.PostAsJsonAsync("/auth/login", delivery is null
            ? new { email, password }
            : (object)new { email, password, refreshTokenDelivery = delivery });

    public static async Task<Login> LoginAsync(this HttpClient client, string email, string password = Password, string? delivery = null)
    {
        var response = await client.PostLoginAsync(email, password, delivery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadLoginAsync(response);
    }

    public static async Task<Login> SignUpAndLoginAsync(this HttpClient client, string? delivery = null, string? email = null)
    {
        email ??= NewEmail();
        Assert.Equal(HttpStatusCode.Created, (await client.SignUpAsync(email)).StatusCode);
        return await client.LoginAsync(email, delivery: delivery);
    }

    public static async Task<Login> ReadLoginAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var refresh = body.TryGetProperty("refreshToken", out var r) ? r.GetString() : null;
        return new Login(response, body, body.GetProperty("accessToken").GetString()!, refresh, RefreshCookie(response));
    }

    public static SetCookieHeaderValue? RefreshCookie(HttpResponseMessage response, string name = RefreshCookieName) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? SetCookieHeaderValue.ParseList(values.ToList()).SingleOrDefault(c => c.Name == name)
            : null;

    public static Task<HttpResponseMessage> RestoreWithCookieAsync(this HttpClient client, string refreshToken, string cookieName = RefreshCookieName)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken");
        request.Headers.Add("Cookie", $"{cookieName}={refreshToken}");
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> RestoreWithBearerAsync(this HttpClient client, string refreshToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/restoreAccessToken");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshToken);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> FetchProfileAsync(this HttpClient client, string? accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/profile");
        if (accessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SendWithBearerAsync(this HttpClient client, HttpMethod method, string url, string accessToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null) request.Content = JsonContent.Create(body);
        return client.SendAsync(request);
    }

    public static Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<JsonElement>();

    // Status first, then the problem+json body.
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    // The payload of a compact JWS, without checking anything.
    public static JsonElement Claims(string jwt) => JsonDocument.Parse(Base64Url(jwt.Split('.')[1])).RootElement;

    public static JsonElement Header(string jwt) => JsonDocument.Parse(Base64Url(jwt.Split('.')[0])).RootElement;

    static byte[] Base64Url(string part) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(part);
}
