using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MiniAuth.Auth.Admin;

namespace MiniAuth.Tests;

// `MiniAuth admin …` while the service runs on its LiteDB store: both real processes, the command
// handed to the service through its admin socket, its effect checked over HTTP.
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AdminSocketTests : IDisposable
{
    const string Password = "a passphrase typed at the terminal";
    readonly string _databasePath = AccountTestHelpers.NewDatabasePath();

    public void Dispose() => AccountTestHelpers.DeleteDatabase(_databasePath);

    string SocketPath => AdminSocket.PathFor(_databasePath);

    [Fact]
    public async Task CommandsRunByTheRunningServiceChangeWhatItServes()
    {
        await using var service = await RunningService.StartAsync(_databasePath);
        var client = service.Client;
        var email = HttpHelpers.NewEmail();
        var user = await client.SignUpAndLoginAsync(email: email, delivery: "body");

        var created = await AdminAsync(Password + "\n", "create-user", "--email", "boss@example.test", "--role", "admin,ops");
        Assert.True(created.ExitCode == 0, created.Error);
        var boss = await client.LoginAsync("boss@example.test", Password, delivery: "body");
        Assert.Equal(["admin", "ops"], boss.Roles());

        var listed = await AdminAsync(null, "list-users", "--query", email.Split('@')[0].ToUpperInvariant());
        Assert.True(listed.ExitCode == 0, listed.Error);
        var lines = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id\temail\troles\tcreatedAt\tdisabled\tliveSessions\tmfa", lines[0]);
        Assert.Equal($"{user.UserId()}\t{email}", string.Join('\t', Assert.Single(lines[1..]).Split('\t')[..2]));
        Assert.EndsWith("\tenabled\t1\t-", lines[1]);

        var disabled = await AdminAsync(null, "disable", "--email", email);
        Assert.True(disabled.ExitCode == 0, disabled.Error);
        Assert.Contains("ended 1 sessions", disabled.Output);
        var refused = await (await client.FetchProfileAsync(user.AccessToken)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("account_disabled", refused.GetProperty("reason").GetString());
        Assert.Equal("account_disabled", await (await client.PostLoginAsync(email)).CodeAsync(HttpStatusCode.Forbidden));

        Assert.Equal(0, (await AdminAsync(null, "enable", "--user-id", user.UserId())).ExitCode);
        Assert.Equal(0, (await AdminAsync(null, "set-roles", "--email", email, "--role", "editor")).ExitCode);
        Assert.Equal(["editor"], (await client.LoginAsync(email, delivery: "body")).Roles());

        // What the commands did is in the service's stored trail, over HTTP and from the command line.
        var trail = await (await client.SendWithBearerAsync(HttpMethod.Get, $"/admin/audit?userId={user.UserId()}", boss.AccessToken)).JsonAsync();
        var types = trail.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("type").GetString()).ToList();
        Assert.Equal(3, types.Count(t => t == "CommandUserUpdated"));
        var tail = await AdminAsync(null, "audit", "--user-id", user.UserId(), "--type", "CommandUserUpdated");
        Assert.True(tail.ExitCode == 0, tail.Error);
        var events = tail.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(3, events.Length);
        Assert.Contains("\"changes\":\"disabled=true\"", events[0]);
        Assert.Contains("\"changes\":\"disabled=false\"", events[1]);
        Assert.Contains("\"changes\":\"roles=editor\"", events[2]);

        var deleted = await AdminAsync(null, "delete", "--email", email);
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Equal("invalid_credentials", await (await client.PostLoginAsync(email)).CodeAsync(HttpStatusCode.Unauthorized));
        Assert.Equal(0, await service.StopAsync());
        Assert.False(File.Exists(SocketPath));
    }

    [Fact]
    public async Task AuditFollowPrintsEachNewStoredEventUntilItIsStopped()
    {
        await using var service = await RunningService.StartAsync(_databasePath);
        var start = new ProcessStartInfo(ServiceProcess.DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "MiniAuth.dll"), "admin", "audit", "--type", "SignedUp",
                     "--follow", $"--MiniAuth:Storage:Path={_databasePath}"])
            start.ArgumentList.Add(arg);
        using var follow = Process.Start(start)!;
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            Assert.Equal("at\ttype\tuserId\tsessionId\tipAddress\tdetail", await follow.StandardOutput.ReadLineAsync(deadline.Token));

            var login = await service.Client.SignUpAndLoginAsync();
            var line = await follow.StandardOutput.ReadLineAsync(deadline.Token);

            Assert.Equal(["SignedUp", login.UserId()], line!.Split('\t')[1..3]);
        }
        finally
        {
            follow.Kill();
            await follow.WaitForExitAsync();
        }
        // The service saw the client go and goes on.
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/health")).StatusCode);
        Assert.Equal(0, (await AdminAsync(null, "list-users")).ExitCode);
    }

    [Fact]
    public async Task TheSocketIsTheServiceAccountsAloneAndAStaleOneIsReplaced()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
        await File.WriteAllTextAsync(SocketPath, "left by a crash");

        await using var service = await RunningService.StartAsync(_databasePath);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(_databasePath)!));
        Assert.Equal(0, (await AdminAsync(null, "list-users")).ExitCode);
    }

    [Fact]
    public async Task ABrokenSlowOrGreedyClientIsAnsweredAndTheServiceGoesOn()
    {
        await using var service = await RunningService.StartAsync(_databasePath);

        AssertAnswered(2, "A request is one JSON object", await SendRawAsync("not json\n"u8.ToArray()));
        AssertAnswered(2, "A request is one line of at most", await SendRawAsync(new byte[AdminSocket.MaxRequestBytes + 10]));
        AssertAnswered(2, "Usage: MiniAuth admin", await SendRawAsync(AdminSocket.Request(["drop-everything"], null)));
        AssertAnswered(2, "Usage: MiniAuth admin", await SendRawAsync(AdminSocket.Request(["list-users", "--MiniAuth:Storage:Path=/x"], null)));
        AssertAnswered(3, "Refusing to run: restore", await SendRawAsync(AdminSocket.Request(["restore", "/tmp/x.db"], null)));

        // Clients that connect and say nothing hold the command slots, not the service.
        var silent = new List<Socket>();
        for (var i = 0; i < 4; i++) silent.Add(await ConnectAsync());
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await service.Client.SignUpAsync(HttpHelpers.NewEmail())).StatusCode);
        AssertAnswered(1, "The service is running 4 admin commands already", await SendRawAsync(AdminSocket.Request(["list-users"], null)));
        foreach (var socket in silent) socket.Dispose();

        // The slots come back as the silent clients' connections end.
        Run listed;
        var tries = 0;
        do listed = await AdminAsync(null, "list-users");
        while (listed.ExitCode == 1 && listed.Error.Contains("already") && ++tries < 10);
        Assert.True(listed.ExitCode == 0, listed.Error);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/health")).StatusCode);
        Assert.Equal(0, await service.StopAsync());
    }

    [Fact]
    public async Task AStoreHeldWithoutAnAnsweringSocketIsRefusedWithTheReason()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
        using var held = MiniAuth.Storage.LiteDb.StoreFileLock.Acquire(_databasePath);

        var refused = await AdminAsync(null, "list-users");

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("in use by another MiniAuth process", refused.Error);
        Assert.Contains("does not answer", refused.Error);
    }

    static void AssertAnswered(int exit, string start, (int Exit, string Error) answer)
    {
        Assert.True(answer.Error.StartsWith(start, StringComparison.Ordinal), answer.Error);
        Assert.Equal(exit, answer.Exit);
    }

    async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }

    // One raw exchange: what the service wrote to standard error, and the exit code it sent.
    async Task<(int Exit, string Error)> SendRawAsync(byte[] request)
    {
        using var socket = await ConnectAsync();
        // The service may answer (an oversize request, no free slot) and hang up before all of it is
        // sent: its answer is still there to read. The stream is made first: a socket whose send
        // failed counts as not connected, and a NetworkStream refuses it then.
        using var reader = new StreamReader(new NetworkStream(socket), Encoding.UTF8);
        try { await socket.SendAsync(request); }
        catch (SocketException) { }
        var error = new StringBuilder();
        while (await reader.ReadLineAsync() is { } line)
        {
            var frame = JsonDocument.Parse(line).RootElement;
            if (frame.TryGetProperty("err", out var text)) error.Append(text.GetString());
            if (frame.TryGetProperty("exit", out var code)) return (code.GetInt32(), error.ToString());
        }
        throw new InvalidOperationException("The service closed the socket without an exit code: " + error);
    }

    Task<Run> AdminAsync(string? input, params string[] args) =>
        ServiceProcess.RunAsync(["admin", .. args, $"--MiniAuth:Storage:Path={_databasePath}", .. ServiceProcess.CheapHashing], input);
}
