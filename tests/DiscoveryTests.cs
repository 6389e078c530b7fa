using Microsoft.Extensions.Options;

namespace MiniAuth.Tests;

// What resource services read: links from PublicUrl, never from the Host header; cacheable.
public class DiscoveryTests
{
    [Fact]
    public async Task WithPublicUrlDiscoveryAndTheIssuerDeriveFromItWhateverTheHostHeaderSays()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:PublicUrl"] = "https://auth.example.test/" });
        var client = app.NewClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration");
        request.Headers.Host = "evil.example";

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var discovery = await response.JsonAsync();
        Assert.Equal("https://auth.example.test/.well-known/jwks.json", discovery.GetProperty("jwks_uri").GetString());
        Assert.Equal("https://auth.example.test", discovery.GetProperty("issuer").GetString());
        Assert.Contains("max-age", response.Headers.CacheControl!.ToString());
        var login = await client.SignUpAndLoginAsync(delivery: "body");
        Assert.Equal("https://auth.example.test", HttpHelpers.Claims(login.AccessToken).GetProperty("iss").GetString());
    }

    [Fact]
    public async Task TheJwksMayBeCachedNoLongerThanAKeyReload()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:SigningKeys:ReloadInterval"] = "00:00:30" });
        var response = await app.NewClient().GetAsync("/.well-known/jwks.json");
        Assert.Equal(TimeSpan.FromSeconds(30), response.Headers.CacheControl!.MaxAge);
        Assert.True(response.Headers.CacheControl.Public);
    }

    [Theory]
    [InlineData("auth.example.test")]
    [InlineData("ftp://auth.example.test")]
    [InlineData("https://auth.example.test/?x=1")]
    public async Task APublicUrlThatIsNoBaseUrlStopsTheStartNamingTheKey(string value)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:PublicUrl"] = value });
        var error = Assert.IsType<OptionsValidationException>(Record.Exception(() => app.NewClient()));
        Assert.Contains("MiniAuth:PublicUrl", error.Message);
    }
}
