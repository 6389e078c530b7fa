using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MiniAuth.Tests;

public class TokenTests
{
    [Fact]
    public async Task AccessTokenCarriesTheContractsHeaderAndClaims()
    {
        await using var app = new MiniAuthApp();
        var login = await app.NewClient().SignUpAndLoginAsync(email: "hal@example.test");

        var header = HttpHelpers.Header(login.AccessToken);
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("at+jwt", header.GetProperty("typ").GetString());
        var jwks = await (await app.NewClient().GetAsync("/.well-known/jwks.json")).JsonAsync();
        Assert.Contains(header.GetProperty("kid").GetString(), jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()));

        var claims = HttpHelpers.Claims(login.AccessToken);
        Assert.Equal("miniauth", claims.GetProperty("iss").GetString());
        Assert.Equal("miniauth", claims.GetProperty("aud").GetString());
        Assert.Equal("hal@example.test", claims.GetProperty("email").GetString());
        Assert.Equal(JsonValueKind.Array, claims.GetProperty("roles").ValueKind);
        foreach (var name in new[] { "sub", "sid", "jti" })
            Assert.False(string.IsNullOrEmpty(claims.GetProperty(name).GetString()));
        Assert.Equal(MiniAuthApp.Epoch.ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.Equal((MiniAuthApp.Epoch + app.AccessTokenLifetime).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task RefreshTokenCarriesTheContractsHeaderAndClaimsOnly()
    {
        await using var app = new MiniAuthApp();
        var login = await app.NewClient().SignUpAndLoginAsync(delivery: "body");

        Assert.Equal("refresh+jwt", HttpHelpers.Header(login.Refresh).GetProperty("typ").GetString());
        Assert.Equal("ES256", HttpHelpers.Header(login.Refresh).GetProperty("alg").GetString());
        var claims = HttpHelpers.Claims(login.Refresh);
        Assert.Equal(
            new[] { "aud", "exp", "iat", "iss", "jti", "sid", "sub" },
            claims.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal((MiniAuthApp.Epoch + app.RefreshTokenLifetime).ToUnixTimeSeconds(), claims.GetProperty("exp").GetInt64());
        Assert.Equal(HttpHelpers.Claims(login.AccessToken).GetProperty("sid").GetString(), claims.GetProperty("sid").GetString());
    }

    [Fact]
    public async Task AccessTokenWorksOneSecondBeforeItsExpiryAndNotOneSecondAfter()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        app.Time.Advance(app.AccessTokenLifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);

        app.Time.Advance(TimeSpan.FromSeconds(2));
        var response = await client.FetchProfileAsync(login.AccessToken);
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("expired", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ClockSkewExtendsTheAccessTokensLifeByExactlyTheSkew()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:ClockSkew"] = "00:00:30" });
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        app.Time.Advance(app.AccessTokenLifetime + TimeSpan.FromSeconds(29));
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
        app.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(login.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task ProtectedRouteWithoutATokenAnswersABareBearerChallenge()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().FetchProfileAsync(null);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("required", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.")]
    [InlineData("\u00e9\u00e9\u00e9")]
    public async Task GarbageBearerTokensGet401InvalidToken(string token)
    {
        await using var app = new MiniAuthApp();
        var request = new HttpRequestMessage(HttpMethod.Get, "/profile");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);

        var response = await app.NewClient().SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task ARefreshTokenIsRefusedAsABearerToken()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        var response = await client.FetchProfileAsync(login.Refresh);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AnAccessTokenIsRefusedAsARefreshToken()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync(delivery: "body");

        await (await client.RestoreWithBearerAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.RestoreWithCookieAsync(login.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        // The session itself is untouched by the failed attempt.
        Assert.Equal(HttpStatusCode.OK, (await client.RestoreWithBearerAsync(login.Refresh)).StatusCode);
    }

    [Fact]
    public async Task AnUnsignedAlgNoneTokenIsRefused()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var header = Encode(new { alg = "none", typ = "at+jwt", kid = Kid(login.AccessToken) });

        var forged = $"{header}.{login.AccessToken.Split('.')[1]}.";

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task AnHs256TokenKeyedWithThePublicKeyIsRefused()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var jwk = (await (await client.GetAsync("/.well-known/jwks.json")).JsonAsync()).GetProperty("keys")[0];

        // The classic confusion attack: the verifier's public key used as an HMAC secret.
        foreach (var secret in new[] { jwk.GetRawText(), jwk.GetProperty("x").GetString()! + jwk.GetProperty("y").GetString() })
        {
            var key = new SymmetricSecurityKey(SHA256.HashData(Encoding.UTF8.GetBytes(secret))) { KeyId = Kid(login.AccessToken) };
            var forged = Sign(login.AccessToken, new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(forged)).StatusCode);
        }
    }

    [Fact]
    public async Task TheSameClaimsSignedWithTheServicesOwnKeyAreAccepted()
    {
        // The control for the forgery tests above and below: their tokens fail for the key alone.
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();

        var resigned = Sign(login.AccessToken, app.Get<MiniAuth.Auth.Tokens.SigningKeyRing>().SigningCredentials);

        Assert.NotEqual(login.AccessToken, resigned);
        Assert.Equal(HttpStatusCode.OK, (await client.FetchProfileAsync(resigned)).StatusCode);
    }

    [Fact]
    public async Task AnRs256TokenAndAnEs256TokenFromAnotherKeyAreRefused()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var kid = Kid(login.AccessToken);

        var rsa = new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid };
        var otherEc = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(Sign(login.AccessToken, new SigningCredentials(rsa, SecurityAlgorithms.RsaSha256)))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(Sign(login.AccessToken, new SigningCredentials(otherEc, SecurityAlgorithms.EcdsaSha256)))).StatusCode);
    }

    [Fact]
    public async Task ATokenNamingAnUnknownKidIsRefused()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var parts = login.AccessToken.Split('.');
        var header = JsonSerializer.Deserialize<Dictionary<string, object>>(HttpHelpers.Header(login.AccessToken).GetRawText())!;
        header["kid"] = "not-a-key";

        var forged = $"{Encode(header)}.{parts[1]}.{parts[2]}";

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task ATamperedPayloadIsRefused()
    {
        await using var app = new MiniAuthApp();
        var client = app.NewClient();
        var login = await client.SignUpAndLoginAsync();
        var parts = login.AccessToken.Split('.');
        var claims = JsonSerializer.Deserialize<Dictionary<string, object>>(HttpHelpers.Claims(login.AccessToken).GetRawText())!;
        claims["roles"] = new[] { "admin" };

        var forged = $"{parts[0]}.{Encode(claims)}.{parts[2]}";

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.FetchProfileAsync(forged)).StatusCode);
    }

    [Theory]
    [InlineData("MiniAuth:Issuer")]
    [InlineData("MiniAuth:Audience")]
    public async Task ATokenFromAnotherIssuerOrForAnotherAudienceIsRefused(string setting)
    {
        var path = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"), "miniauth.db");
        string accessToken;
        await using (var other = new MiniAuthApp(path, new Dictionary<string, string?> { [setting] = "someone-else" }))
            accessToken = (await other.NewClient().SignUpAndLoginAsync()).AccessToken;

        // Same store, so the same key and the same live session: only iss or aud differs.
        await using var app = new MiniAuthApp(path);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().FetchProfileAsync(accessToken)).StatusCode);
    }

    [Fact]
    public async Task JwksPublishesOnlyPublicEs256Keys()
    {
        await using var app = new MiniAuthApp();

        var response = await app.NewClient().GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var key = Assert.Single((await response.JsonAsync()).GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task DiscoveryNamesTheIssuerAndTheJwksAddress()
    {
        await using var app = new MiniAuthApp();

        var discovery = await (await app.NewClient().GetAsync("/.well-known/openid-configuration")).JsonAsync();

        Assert.Equal("miniauth", discovery.GetProperty("issuer").GetString());
        Assert.Equal("https://localhost/.well-known/jwks.json", discovery.GetProperty("jwks_uri").GetString());
    }

    static string Kid(string jwt) => HttpHelpers.Header(jwt).GetProperty("kid").GetString()!;

    static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));

    // The same claims and typ under another key or algorithm.
    static string Sign(string original, SigningCredentials credentials)
    {
        var claims = JsonSerializer.Deserialize<Dictionary<string, object>>(HttpHelpers.Claims(original).GetRawText())!;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            JsonSerializer.Serialize(claims), credentials, new Dictionary<string, object> { ["typ"] = "at+jwt" });
    }
}
