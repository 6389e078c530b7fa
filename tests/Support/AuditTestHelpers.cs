using MiniAuth.Auth.Audit;

namespace MiniAuth.Tests;

// The stored audit trail over HTTP. The writer stores events off the request's path: tests await
// its flush, never a sleep.
internal static class AuditTestHelpers
{
    public const string AdminEmail = "root@example.test";
    public const string AdminPassword = "root passphrase for tests";

    public static Dictionary<string, string?> WithAdmin(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["MiniAuth:Admin:Email"] = AdminEmail,
            ["MiniAuth:Admin:Password"] = AdminPassword,
        };
        return all;
    }

    public static Task FlushAuditAsync(this MiniAuthApp app) => app.Get<AuditWriter>().FlushAsync();

    // One page of GET url (/admin/audit or /profile/activity), after the writer has flushed.
    public static async Task<JsonElement> AuditPageAsync(this MiniAuthApp app, HttpClient client, string accessToken, string url)
    {
        await app.FlushAuditAsync();
        var response = await client.SendWithBearerAsync(HttpMethod.Get, url, accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return await response.JsonAsync();
    }

    public static async Task<JsonElement[]> AuditItemsAsync(this MiniAuthApp app, HttpClient client, string accessToken, string url) =>
        (await app.AuditPageAsync(client, accessToken, url)).GetProperty("items").EnumerateArray().ToArray();

    public static string? Text(this JsonElement item, string property) =>
        item.GetProperty(property).ValueKind == JsonValueKind.Null ? null : item.GetProperty(property).GetString();
}
