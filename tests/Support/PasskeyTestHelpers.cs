using System.Text.Json.Nodes;

namespace MiniAuth.Tests;

// The passkey routes over HTTP, answered by a SoftAuthenticator. The test host is https://localhost,
// so PublicUrl makes "localhost" the relying party and https://localhost the one origin.
public static class PasskeyTestHelpers
{
    public static Dictionary<string, string?> Settings(IDictionary<string, string?>? more = null)
    {
        var all = new Dictionary<string, string?>(more ?? new Dictionary<string, string?>())
        {
            ["MiniAuth:PublicUrl"] = "https://localhost",
        };
        return all;
    }

    public static async Task<JsonElement> RegistrationOptionsAsync(this HttpClient client, string accessToken)
    {
        var response = await client.SendWithBearerAsync(HttpMethod.Post, "/profile/passkeys/options", accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    public static Task<HttpResponseMessage> AddPasskeyAsync(this HttpClient client, string accessToken, JsonNode? credential, string? name = null) =>
        client.SendWithBearerAsync(HttpMethod.Post, "/profile/passkeys", accessToken, new JsonObject
        {
            ["credential"] = credential?.DeepClone(),
            ["name"] = name,
        });

    // Options, the authenticator's answer, 201: the passkey as the service shows it.
    public static async Task<JsonElement> RegisterAsync(this HttpClient client, string accessToken, SoftAuthenticator authenticator, string? name = null)
    {
        var response = await client.AddPasskeyAsync(accessToken, authenticator.Create(await client.RegistrationOptionsAsync(accessToken)), name);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    public static async Task<JsonElement> LoginOptionsAsync(this HttpClient client)
    {
        var response = await client.PostAsync("/auth/passkey/options", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    public static Task<HttpResponseMessage> PasskeyLoginAsync(this HttpClient client, JsonNode? credential, string? delivery = null) =>
        client.PostAsJsonAsync("/auth/passkey", new JsonObject
        {
            ["credential"] = credential?.DeepClone(),
            ["refreshTokenDelivery"] = delivery,
        });

    public static async Task<HttpResponseMessage> SignInWithPasskeyAsync(this HttpClient client, SoftAuthenticator authenticator, string? delivery = null) =>
        await client.PasskeyLoginAsync(authenticator.Get(await client.LoginOptionsAsync()), delivery);

    public static async Task<JsonElement[]> ListPasskeysAsync(this HttpClient client, string accessToken)
    {
        var response = await client.SendWithBearerAsync(HttpMethod.Get, "/profile/passkeys", accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).EnumerateArray().ToArray();
    }
}
