using System.Net.Sockets;
using Microsoft.Extensions.Options;
using MimeKit;
using MiniAuth.Auth.Mail;
using SmtpServer.Protocol;

namespace MiniAuth.Tests;

// Mail through a real SMTP server on 127.0.0.1 (SmtpServer inside the test host): what arrives is
// the message MailKit sent, parsed back with MimeKit. captureMail: false keeps the product's queue.
public class MailDeliveryTests
{
    const string From = "MiniAuth <no-reply@auth.example.test>";
    const string Token = "tok_Q2hhbmdlIG1lIGFmdGVyIHRoZSB0ZXN0cw";

    public static TheoryData<string, string, Dictionary<string, string>> Templates => new()
    {
        { MailTemplates.PasswordReset, "Reset your password", new()
            { ["link"] = $"https://auth.example.test/?app=board&lang=en#reset={Token}", ["token"] = Token, ["expiresInMinutes"] = "30" } },
        { MailTemplates.VerifyEmail, "Confirm your email address", new()
            { ["link"] = $"https://auth.example.test/?app=board&lang=en#verify={Token}", ["token"] = Token, ["expiresInHours"] = "48" } },
        { MailTemplates.EmailChangeNotice, "Your email address is being changed", new()
            { ["newEmail"] = "o'brien&co@example.test", ["resetLink"] = "https://auth.example.test/?app=board&lang=en#forgot" } },
    };

    [Theory, MemberData(nameof(Templates))]
    public async Task EachTemplateArrivesThroughSmtpWithItsSubjectBothBodiesAndItsValuesFilledIn(string template, string subject, Dictionary<string, string> values)
    {
        await using var smtp = new TestSmtpServer();
        await using var app = new MiniAuthApp(settings: SendingTo(smtp.Port), captureMail: false);

        await app.Get<IMailQueue>().EnqueueAsync(new OutgoingMail("alice@example.test", template, values), CancellationToken.None);
        var mail = await smtp.NextAsync();

        Assert.Equal("no-reply@auth.example.test", mail.MailFrom);
        Assert.Equal(["alice@example.test"], mail.RcptTo);
        var from = Assert.Single(mail.Message.From.Mailboxes);
        Assert.Equal(("MiniAuth", "no-reply@auth.example.test"), (from.Name, from.Address));
        Assert.Equal("alice@example.test", mail.Message.To.ToString());
        Assert.Equal(subject, mail.Message.Subject);
        Assert.Equal(MailboxAddress.Parse(From).Domain, mail.Message.MessageId!.Split('@')[1]);
        Assert.Equal(MiniAuthApp.Epoch, mail.Message.Date);
        foreach (var value in values.Values)
        {
            Assert.Contains(value, mail.Message.TextBody);
            Assert.Contains(WebUtility.HtmlEncode(value), mail.Message.HtmlBody);
            // A value with a character HTML escapes (& or ') never reaches the HTML raw.
            if (WebUtility.HtmlEncode(value) != value) Assert.DoesNotContain(value, mail.Message.HtmlBody);
        }
        Assert.DoesNotContain("{{", mail.Message.TextBody + mail.Message.HtmlBody + mail.Message.Subject);
        // Deleted once the server took it (just after it arrived).
        await app.Get<MailSpool>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(app.Get<MailSpool>().Pending());
    }

    [Fact]
    public async Task AMailServerThatHangsOrIsGoneDelaysMailButNotTheCallerAndEachMailArrivesOnceWhenItIsBack()
    {
        var hung = new SilentTcpServer();
        var port = hung.Port;
        await using var app = new MiniAuthApp(settings: SendingTo(port), captureMail: false);
        var queue = app.Get<IMailQueue>();
        var spool = app.Get<MailSpool>();

        await queue.EnqueueAsync(Reset("alice@example.test"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        // The sender now waits on a server that never greets; the next caller does not.
        await hung.Connected.WaitAsync(TimeSpan.FromSeconds(10));
        await queue.EnqueueAsync(Reset("bob@example.test"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, spool.Pending().Count);

        hung.Dispose();
        await spool.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, spool.Pending().Count);
        Assert.Contains(app.Logs.All, line => line.Contains($"The mail server 127.0.0.1:{port} could not be used"));

        await using var smtp = new TestSmtpServer(port);
        Assert.Equal(0, smtp.ReceivedCount);
        app.Time.Advance(app.Get<IOptions<MailOptions>>().Value.RetryDelay);
        var received = new[] { await smtp.NextAsync(), await smtp.NextAsync() };
        await spool.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["alice@example.test", "bob@example.test"], received.Select(m => m.RcptTo.Single()).Order());
        Assert.Empty(spool.Pending());
        app.Time.Advance(app.Get<IOptions<MailOptions>>().Value.MaxRetryDelay);
        await spool.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, smtp.ReceivedCount);
    }

    [Fact]
    public async Task AMailSpooledBeforeARestartIsSentAtTheNextStart()
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-tests", Guid.NewGuid().ToString("N"));
        var database = Path.Combine(folder, "miniauth.db");
        try
        {
            var closed = ClosedPort();
            await using (var before = new MiniAuthApp(database, SendingTo(closed), captureMail: false))
            {
                await before.Get<IMailQueue>().EnqueueAsync(Reset("alice@example.test"), CancellationToken.None);
                await before.Get<MailSpool>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            var spooled = Assert.Single(Directory.GetFiles(Path.Combine(folder, "mail-spool")));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(spooled));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(folder, "mail-spool")));
            }

            await using var smtp = new TestSmtpServer();
            await using var after = new MiniAuthApp(database, SendingTo(smtp.Port), captureMail: false);
            after.Get<MailSpool>();
            var mail = await smtp.NextAsync();
            await after.Get<MailSpool>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal("alice@example.test", mail.RcptTo.Single());
            Assert.Contains(Token, mail.Message.TextBody);
            Assert.Empty(Directory.GetFiles(Path.Combine(folder, "mail-spool")));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }

    [Fact]
    public async Task WithoutAnSmtpHostEachMailIsAnEmlFileInTheOutboxReadableByTheServiceAloneAndTheLogSaysWhere()
    {
        await using var smtp = new TestSmtpServer();
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { ["MiniAuth:Mail:Smtp:Port"] = smtp.Port.ToString() }, captureMail: false);
        var outbox = Path.Combine(Path.GetDirectoryName(app.DatabasePath)!, "outbox");

        await app.Get<IMailQueue>().EnqueueAsync(Reset("alice@example.test"), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(outbox));
        Assert.EndsWith(".eml", file);
        Assert.Contains("password-reset", Path.GetFileName(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(outbox));
        }
        var message = await MimeMessage.LoadAsync(file);
        Assert.Equal("alice@example.test", message.To.ToString());
        Assert.Equal("Reset your password", message.Subject);
        Assert.Contains($"#reset={Token}", message.TextBody);
        Assert.Single(app.Logs.All, line => line.Contains("No MiniAuth:Mail:Smtp:Host is set") && line.Contains(outbox));
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(app.DatabasePath)!, "mail-spool")));
        Assert.Equal(0, smtp.ReceivedCount);
    }

    [Fact]
    public async Task AnOperatorsFileInTemplatesPathReplacesThatPartOfTheBuiltInTemplate()
    {
        var templates = Directory.CreateTempSubdirectory("miniauth-templates-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(templates.FullName, "password-reset.subject.txt"), "Board: your {{expiresInMinutes}}-minute reset link\n");
            await File.WriteAllTextAsync(Path.Combine(templates.FullName, "password-reset.html"), "<p>Board says: <a href=\"{{link}}\">reset</a></p>");
            await using var smtp = new TestSmtpServer();
            var settings = SendingTo(smtp.Port);
            settings["MiniAuth:Mail:TemplatesPath"] = templates.FullName;
            await using var app = new MiniAuthApp(settings: settings, captureMail: false);

            await app.Get<IMailQueue>().EnqueueAsync(Reset("alice@example.test"), CancellationToken.None);
            var mail = (await smtp.NextAsync()).Message;

            Assert.Equal("Board: your 30-minute reset link", mail.Subject);
            Assert.Equal($"<p>Board says: <a href=\"https://auth.example.test/#reset={Token}\">reset</a></p>", mail.HtmlBody);
            // No override for the text part: the built-in one is used.
            Assert.Contains("Someone asked to reset the password", mail.TextBody);
        }
        finally { templates.Delete(recursive: true); }
    }

    [Fact]
    public async Task TheSenderLogsInWhenAnSmtpUserIsSet()
    {
        await using var smtp = new TestSmtpServer(user: "miniauth", password: "smtp-Pa55word");
        var settings = SendingTo(smtp.Port);
        settings["MiniAuth:Mail:Smtp:User"] = "miniauth";
        settings["MiniAuth:Mail:Smtp:Password"] = "smtp-Pa55word";
        await using var app = new MiniAuthApp(settings: settings, captureMail: false);

        await app.Get<IMailQueue>().EnqueueAsync(Reset("alice@example.test"), CancellationToken.None);
        await smtp.NextAsync();

        Assert.Equal(["miniauth"], smtp.Logins);
        Assert.DoesNotContain(app.Logs.All, line => line.Contains("smtp-Pa55word"));
    }

    [Fact]
    public async Task AMailRefusedForNowIsRetriedAndNoLogLineHoldsTheTokenTheLinkOrTheAddress()
    {
        await using var smtp = new TestSmtpServer { Refuse = new SmtpResponse(SmtpReplyCode.Aborted, $"4.7.1 try again later, alice@example.test {Token}") };
        await using var app = new MiniAuthApp(settings: SendingTo(smtp.Port), captureMail: false);
        var spool = app.Get<MailSpool>();

        await app.Get<IMailQueue>().EnqueueAsync(Reset("alice@example.test"), CancellationToken.None);
        await spool.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, smtp.Refused);
        Assert.Single(spool.Pending());
        Assert.Contains(app.Logs.All, line => line.Contains("refused a mail to example.test for now (SMTP 451, MessageNotAccepted)"));

        smtp.Refuse = null;
        app.Time.Advance(app.Get<IOptions<MailOptions>>().Value.RetryDelay);
        await smtp.NextAsync();
        await spool.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(spool.Pending());
        Assert.Contains(app.Logs.All, line => line.Contains("Sent a mail to a recipient at example.test"));
        Assert.DoesNotContain(app.Logs.All, line => line.Contains(Token) || line.Contains("#reset") || line.Contains("alice@"));
    }

    [Fact]
    public async Task AMailRefusedForGoodIsDroppedAndLoggedWithTheDomainOnly()
    {
        await using var smtp = new TestSmtpServer { Refuse = new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "5.1.1 no such user alice@example.test") };
        await using var app = new MiniAuthApp(settings: SendingTo(smtp.Port), captureMail: false);
        var spool = app.Get<MailSpool>();

        await app.Get<IMailQueue>().EnqueueAsync(Reset("alice@example.test"), CancellationToken.None);
        await spool.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, smtp.Refused);
        Assert.Empty(spool.Pending());
        Assert.Contains(app.Logs.All, line => line.Contains("refused a mail to example.test for good (SMTP 550)"));
        Assert.DoesNotContain(app.Logs.All, line => line.Contains("alice@"));
    }

    [Fact]
    public async Task AnUnknownTemplateIsAProgrammingErrorAndNothingIsWritten()
    {
        await using var app = new MiniAuthApp(captureMail: false);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            app.Get<IMailQueue>().EnqueueAsync(new OutgoingMail("alice@example.test", "../welcome", new Dictionary<string, string>()), CancellationToken.None));

        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(app.DatabasePath)!, "outbox")));
    }

    [Theory]
    [InlineData("MiniAuth:Mail:Smtp:Port", "0", "MiniAuth:Mail:Smtp:Port")]
    [InlineData("MiniAuth:Mail:Smtp:Port", "smtp", "MiniAuth:Mail:Smtp:Port")]
    [InlineData("MiniAuth:Mail:Smtp:Security", "Sometimes", "MiniAuth:Mail:Smtp:Security")]
    [InlineData("MiniAuth:Mail:Smtp:Security", "StartTlsWhenAvailable", "MiniAuth:Mail:Smtp:Security")]
    [InlineData("MiniAuth:Mail:Smtp:Host", "smtp.example.test", "MiniAuth:Mail:From")]
    [InlineData("MiniAuth:Mail:From", "no-reply", "MiniAuth:Mail:From")]
    [InlineData("MiniAuth:Mail:Smtp:Password", "secret", "MiniAuth:Mail:Smtp:User")]
    [InlineData("MiniAuth:Mail:TemplatesPath", "/nowhere/miniauth-templates", "MiniAuth:Mail:TemplatesPath")]
    [InlineData("MiniAuth:Mail:RetryDelay", "00:00:00", "MiniAuth:Mail:RetryDelay")]
    [InlineData("MiniAuth:Mail:MaxRetryDelay", "00:00:01", "MiniAuth:Mail:MaxRetryDelay")]
    public async Task ABadMailSettingStopsTheStartWithAMessageNamingTheKey(string key, string value, string named)
    {
        await using var app = new MiniAuthApp(settings: new Dictionary<string, string?> { [key] = value }, captureMail: false);

        var error = Record.Exception(() => app.NewClient());

        Assert.NotNull(error);
        var reported = Flatten(error) + string.Join("\n", app.Logs.All);
        Assert.True(reported.Contains(named), reported);
    }

    [Fact]
    public async Task SmtpWithoutPublicUrlStopsTheStartNamingTheKey()
    {
        // Links would take their host from the request, which a forged Host header picks.
        var settings = SendingTo(25);
        settings.Remove("MiniAuth:PublicUrl");
        await using var app = new MiniAuthApp(settings: settings, captureMail: false);

        var error = Assert.IsType<OptionsValidationException>(Record.Exception(() => app.NewClient()));

        Assert.Contains("MiniAuth:PublicUrl", error.Message);
    }

    static Dictionary<string, string?> SendingTo(int port) => new()
    {
        ["MiniAuth:PublicUrl"] = "https://auth.example.test",
        ["MiniAuth:Mail:From"] = From,
        ["MiniAuth:Mail:Smtp:Host"] = "127.0.0.1",
        ["MiniAuth:Mail:Smtp:Port"] = port.ToString(),
        ["MiniAuth:Mail:Smtp:Security"] = "None",
    };

    static OutgoingMail Reset(string to) => new(to, MailTemplates.PasswordReset, new Dictionary<string, string>
    {
        ["link"] = $"https://auth.example.test/#reset={Token}",
        ["token"] = Token,
        ["expiresInMinutes"] = "30",
    });

    // Nothing listens there: connecting is refused at once.
    static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    static string Flatten(Exception e) => e is AggregateException aggregate
        ? string.Join("\n", aggregate.InnerExceptions.Select(Flatten))
        : e.Message + (e.InnerException is null ? "" : "\n" + Flatten(e.InnerException));
}
