using System.Diagnostics;

namespace MiniAuth.Tests;

// A real small disk: a tmpfs of its own, mounted for one test (root only), which the test fills
// to the last byte and frees again. Writes to it fail with ENOSPC exactly as on a full disk.
public sealed class SmallDisk : IDisposable
{
    SmallDisk(string folder) => Folder = folder;

    public string Folder { get; }
    string Filler => Path.Combine(Folder, "filler");

    // Root can mount; CI (a fresh machine, as root) must, so there a failure to mount fails the test.
    public static bool CanMount => Environment.UserName == "root" || InCi;
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static SmallDisk Mount(int megabytes)
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", "disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", folder);
        return new SmallDisk(folder);
    }

    // Until the kernel says there is no room: the next write of a page anywhere on the disk fails.
    public void Fill()
    {
        using var filler = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        var block = new byte[4096];
        try { while (true) filler.Write(block); }
        catch (IOException) { }
        try { while (true) filler.Write(block, 0, 1); }
        catch (IOException) { }
    }

    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        // Lazily: a file the test host still holds open must not keep the mount behind.
        Run("umount", "-l", Folder);
        try { Directory.Delete(Folder); } catch (IOException) { }
    }

    static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
    }
}

// Runs as root, and always under CI=true (where a failed mount fails the test instead).
public sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (!SmallDisk.CanMount) Skip = "Disk-full test skipped: mounting its small tmpfs needs root (it runs, and must, under CI=true).";
    }
}
