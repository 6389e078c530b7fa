using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace MiniAuth.Tests;

// `npm pack` of clients/js, once per test class, unpacked into a folder of its own: the files
// exactly as the npm package ships them.
public sealed class NpmPackage : IAsyncLifetime
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "miniauth-tests", "npm-" + Guid.NewGuid().ToString("N"));

    public string SourceFolder { get; } = Path.Combine(SingleFilePublish.FindRepositoryRoot(), "clients", "js");
    // npm's tarballs hold everything under "package/".
    public string Folder => Path.Combine(_root, "package");
    public IReadOnlyList<string> Files { get; private set; } = [];

    public async Task InitializeAsync()
    {
        if (!NodeTool.IsInstalled && !NodeTool.InCi) return;
        Directory.CreateDirectory(_root);
        var pack = await NodeTool.RunAsync("npm", SourceFolder, TimeSpan.FromMinutes(2),
            "pack", "--json", "--ignore-scripts", "--pack-destination", _root);
        if (pack.ExitCode != 0) throw new InvalidOperationException($"npm pack failed ({pack.ExitCode}): {pack.Error}");

        var packed = JsonDocument.Parse(pack.Output).RootElement[0];
        Files = packed.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!)
            .Order(StringComparer.Ordinal).ToArray();
        await using var tarball = File.OpenRead(Path.Combine(_root, packed.GetProperty("filename").GetString()!));
        await using var gzip = new GZipStream(tarball, CompressionMode.Decompress);
        await TarFile.ExtractToDirectoryAsync(gzip, _root, overwriteFiles: false);
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (DirectoryNotFoundException) { }
        return Task.CompletedTask;
    }
}
