using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Admin;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Mail;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

// Once the service listens, one block tells the operator what they have (where the store is, who
// may sign up, whether there is an admin, where mails go), then one warning per risky setting in
// Production. Only hosts and paths: never a connection string, a password or a key.
public sealed partial class StartBanner(IOptions<StorageOptions> storage, IOptions<TokenOptions> tokens, IOptions<SignupOptions> signup,
    IOptions<MailOptions> mail, IOptions<TrustedProxyOptions> proxies, IUserStore users, IServer server, IHostEnvironment environment,
    IConfiguration configuration, ILogger<StartBanner> logger) : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken ct)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var publicUrl = tokens.Value.PublicBaseUrl;
        LogBanner(environment.EnvironmentName, storage.Value.Describe(), publicUrl ?? "not set (MiniAuth:PublicUrl)",
            Signup(), await AdminAsync(ct), Mail(), (publicUrl ?? Local(addresses.FirstOrDefault()) ?? "http://<this host>") + "/");

        if (!environment.IsProduction()) return;
        if (configuration["AllowedHosts"] is null or "" or "*") LogAnyHost();
        if (publicUrl is null) LogNoPublicUrl();
        if (!proxies.Value.Any && addresses.Any(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
            LogPlainHttp(string.Join(", ", addresses));
    }

    string Signup()
    {
        var options = signup.Value;
        var domains = options.AllowedEmailDomains.Count == 0 ? "any email domain" : "emails of " + string.Join(", ", options.AllowedEmailDomains);
        return options.Mode switch
        {
            SignupMode.Open => $"open to anyone ({domains})",
            SignupMode.InviteOnly => $"by invite only ({domains})",
            _ => "closed: admins create accounts",
        };
    }

    // A store that does not answer yet must not stop the start: it is told as it is.
    async Task<string> AdminAsync(CancellationToken ct)
    {
        try
        {
            if (await users.AnyEnabledWithRoleAsync(AdminRole.Name, ct)) return "an enabled admin account exists";
        }
        catch (Exception e) when (StoreOutage.IsOutage(e))
        {
            return "unknown (the user store did not answer)";
        }
        return "none yet: run `MiniAuth admin create-user --email <email> --role admin`, " +
            "or set MiniAuth:Admin:Email and MiniAuth:Admin:Password and restart";
    }

    string Mail() => mail.Value.UsesSmtp
        ? $"SMTP {mail.Value.Smtp.Host}:{mail.Value.Smtp.Port}"
        : $"no SMTP host (MiniAuth:Mail:Smtp:Host): written to {MailFile.FolderBeside(storage.Value, "outbox")}";

    // A wildcard listening address, told as one a browser on this host can open.
    static string? Local(string? address) => address?.TrimEnd('/')
        .Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost").Replace("://+", "://localhost").Replace("://*", "://localhost");

    [LoggerMessage(Level = LogLevel.Information, Message = "MiniAuth started ({Environment})\n" +
        "  store:     {Store}\n" +
        "  PublicUrl: {PublicUrl}\n" +
        "  signup:    {Signup}\n" +
        "  admin:     {Admin}\n" +
        "  mail:      {Mail}\n" +
        "  demo page: {DemoPage}")]
    partial void LogBanner(string environment, string store, string publicUrl, string signup, string admin, string mail, string demoPage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AllowedHosts is * (any Host header is accepted): list the names the service " +
        "is reached by, e.g. AllowedHosts=auth.example.com")]
    partial void LogAnyHost();

    [LoggerMessage(Level = LogLevel.Warning, Message = "MiniAuth:PublicUrl is not set: the issuer, discovery and mail links follow " +
        "each request's Host header. Set it to the service's https address, e.g. MiniAuth__PublicUrl=https://auth.example.com")]
    partial void LogNoPublicUrl();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening on plain http ({Addresses}) with no trusted proxy " +
        "(MiniAuth:ForwardedHeaders): passwords and tokens cross the network in clear and browsers drop the Secure refresh cookie. " +
        "Put a TLS proxy in front and list it, or listen on https")]
    partial void LogPlainHttp(string addresses);

    public Task StartingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;
}
