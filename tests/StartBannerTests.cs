using MiniAuth.Storage;

namespace MiniAuth.Tests;

// The block an operator reads at start, and the warnings of a risky Production setup, as logged.
public class StartBannerTests
{
    [Fact]
    public async Task TheBannerSaysWhereTheStoreIsWhoMaySignUpThatThereIsNoAdminAndWhereMailsGo()
    {
        await using var app = new MiniAuthApp();
        app.NewClient();

        var banner = Assert.Single(app.Logs.All, line => line.StartsWith("MiniAuth started (Testing)"));
        Assert.Contains($"store:     LiteDB file {app.DatabasePath}", banner);
        Assert.Contains("PublicUrl: not set (MiniAuth:PublicUrl)", banner);
        Assert.Contains("signup:    open to anyone (any email domain)", banner);
        Assert.Contains("admin:     none yet: run `MiniAuth admin create-user --email <email> --role admin`", banner);
        Assert.Contains($"mail:      no SMTP host (MiniAuth:Mail:Smtp:Host): written to {Path.Combine(Path.GetDirectoryName(app.DatabasePath)!, "outbox")}", banner);
        Assert.Contains("demo page: http://<this host>/", banner);
        // Outside Production, no warnings about the setup.
        Assert.DoesNotContain(app.Logs.All, line => line.Contains("AllowedHosts") || line.Contains("is not set: the issuer"));
    }

    [Fact]
    public async Task TheBannerTellsTheSeededAdminTheSignupModeTheSmtpHostAndThePublicDemoPage()
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?>
        {
            ["MiniAuth:Admin:Email"] = "root@example.test",
            ["MiniAuth:Admin:Password"] = HttpHelpers.Password,
            ["MiniAuth:Signup:Mode"] = "InviteOnly",
            ["MiniAuth:Signup:AllowedEmailDomains:0"] = "example.test",
            ["MiniAuth:PublicUrl"] = "https://auth.example.test/",
            ["MiniAuth:Mail:From"] = "MiniAuth <no-reply@example.test>",
            ["MiniAuth:Mail:Smtp:Host"] = "smtp.example.test",
            ["MiniAuth:Mail:Smtp:Password"] = "smtp-secret",
            ["MiniAuth:Mail:Smtp:User"] = "mailer",
        });
        app.NewClient();

        var banner = Assert.Single(app.Logs.All, line => line.StartsWith("MiniAuth started"));
        Assert.Contains("admin:     an enabled admin account exists", banner);
        Assert.Contains("signup:    by invite only (emails of example.test)", banner);
        Assert.Contains("PublicUrl: https://auth.example.test\n", banner);
        Assert.Contains("mail:      SMTP smtp.example.test:587", banner);
        Assert.Contains("demo page: https://auth.example.test/", banner);
        Assert.DoesNotContain(app.Logs.All, line => line.Contains("smtp-secret") || line.Contains(HttpHelpers.Password));
    }

    [Fact]
    public async Task ProductionWithAnyHostAndNoPublicUrlIsWarnedAboutBoth()
    {
        await using var app = new MiniAuthApp(environment: "Production");
        app.NewClient();

        Assert.Contains(app.Logs.All, line => line.StartsWith("AllowedHosts is * (any Host header is accepted)"));
        Assert.Contains(app.Logs.All, line => line.StartsWith("MiniAuth:PublicUrl is not set"));
    }

    [Fact]
    public async Task ProductionWithItsHostsAndPublicUrlSetIsNotWarned()
    {
        await using var app = new MiniAuthApp(environment: "Production", settings: new Dictionary<string, string?>
        {
            ["AllowedHosts"] = "auth.example.test",
            ["MiniAuth:PublicUrl"] = "https://auth.example.test",
        });
        app.NewClient();

        Assert.Contains(app.Logs.All, line => line.StartsWith("MiniAuth started (Production)"));
        Assert.DoesNotContain(app.Logs.All, line => line.StartsWith("AllowedHosts is *") || line.StartsWith("MiniAuth:PublicUrl is not set"));
    }

    [Fact]
    public void ServerStoresAreToldByHostWithoutTheirConnectionStrings()
    {
        var storage = new StorageOptions
        {
            Sessions = SessionBackend.Redis,
            Users = UserBackend.Postgres,
            RedisConnection = "redis.internal:6380,password=redis-secret",
            PostgresConnection = "Host=db.internal;Port=5433;Username=miniauth;Password=pg-secret;Database=auth",
        };

        var told = storage.Describe();

        Assert.Equal("users and signing keys in PostgreSQL at db.internal:5433 database auth; sessions in Redis at redis.internal:6380", told);
    }

    [Fact]
    public async Task TheServiceAsAnOperatorStartsItWarnsOfPlainHttpWithoutATrustedProxy()
    {
        await using var service = await RunningService.StartAsOperatorAsync();

        await service.WaitForLineAsync("MiniAuth started (Production)");
        await service.WaitForLineAsync($"demo page: {service.Address.ToString().TrimEnd('/')}/");
        await service.WaitForLineAsync($"Listening on plain http ({service.Address.ToString().TrimEnd('/')}) with no trusted proxy");
    }
}
