using System.Text.Json;

namespace MiniAuth.Tests;

// clients/js as npm ships it: the file the service serves at /miniauth.js is, byte for byte, the
// packaged one (so the Chromium tests, which import /miniauth.js, test what the package ships),
// and the packaged module imports and builds a client in plain Node (server-side rendering).
public class ClientPackageTests(NpmPackage package) : IClassFixture<NpmPackage>
{
    [NodeFact]
    public async Task TheServiceServesByteForByteTheMiniauthJsTheNpmPackageShips()
    {
        await using var app = new MiniAuthApp();
        var response = await app.NewClient().GetAsync("/miniauth.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(package.Folder, "miniauth.js")),
            await response.Content.ReadAsByteArrayAsync());
    }

    [NodeFact]
    public void ThePackageShipsTheModuleItsDeclarationsAndNoRuntimeDependency()
    {
        Assert.Equal(["README.md", "miniauth.d.ts", "miniauth.js", "package.json"], package.Files);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(package.Folder, "package.json")));
        var root = manifest.RootElement;
        Assert.Equal("module", root.GetProperty("type").GetString());
        Assert.False(root.TryGetProperty("dependencies", out _));
        var entry = root.GetProperty("exports").GetProperty(".");
        Assert.Equal("./miniauth.d.ts", entry.GetProperty("types").GetString());
        Assert.Equal("./miniauth.js", entry.GetProperty("default").GetString());
        Assert.Equal("./miniauth.d.ts", root.GetProperty("types").GetString());
    }

    [NodeFact]
    public async Task ThePackagedModuleImportsAndBuildsAClientInPlainNodeWithNothingLeftRunning()
    {
        var module = new Uri(Path.Combine(package.Folder, "miniauth.js")).AbsoluteUri;
        // No window, document or location here: an import or a constructor that touched them
        // would throw; a channel or timer left open would keep node from exiting (the deadline).
        var script = $$"""
            if (typeof window !== "undefined" || typeof document !== "undefined" || typeof location !== "undefined")
              throw new Error("not plain Node");
            const { createMiniAuth, MiniAuthError, takeMailLink } = await import({{JsonSerializer.Serialize(module)}});
            const auth = createMiniAuth({ baseUrl: "https://auth.example.com/", apiOrigins: ["https://api.example.com"] });
            const local = createMiniAuth();
            const error = new MiniAuthError(401, { code: "session_ended", reason: "logout" });
            console.log(JSON.stringify({
              state: auth.state, signedIn: auth.isSignedIn, pending: auth.logoutPending,
              local: local.state, link: takeMailLink(), code: error.code, status: error.status,
            }));
            """;
        var run = await NodeTool.RunAsync("node", package.Folder, TimeSpan.FromSeconds(30), "--input-type=module", "-e", script);

        Assert.True(run.ExitCode == 0, run.Error);
        using var seen = JsonDocument.Parse(run.Output);
        Assert.Equal("unknown", seen.RootElement.GetProperty("state").GetString());
        Assert.False(seen.RootElement.GetProperty("signedIn").GetBoolean());
        Assert.False(seen.RootElement.GetProperty("pending").GetBoolean());
        Assert.Equal("unknown", seen.RootElement.GetProperty("local").GetString());
        Assert.Equal(JsonValueKind.Null, seen.RootElement.GetProperty("link").ValueKind);
        Assert.Equal("session_ended", seen.RootElement.GetProperty("code").GetString());
        Assert.Equal(401, seen.RootElement.GetProperty("status").GetInt32());
    }
}
