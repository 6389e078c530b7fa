using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;

namespace MiniAuth.Auth.Mail;

// Turns an OutgoingMail into the message to send: subject, plain-text and HTML bodies from the
// template (an operator's file in TemplatesPath, else the built-in one), {{name}} filled from Values.
internal sealed partial class MailComposer(IOptions<MailOptions> options, TimeProvider time)
{
    // The only names looked up on disk: a template name never becomes an arbitrary path.
    static readonly string[] Known = [MailTemplates.PasswordReset, MailTemplates.VerifyEmail, MailTemplates.EmailChangeNotice];

    public const string SubjectPart = ".subject.txt";
    public const string TextPart = ".txt";
    public const string HtmlPart = ".html";

    public async Task<MimeMessage> ComposeAsync(OutgoingMail mail, CancellationToken ct)
    {
        if (!Known.Contains(mail.Template, StringComparer.Ordinal))
            throw new ArgumentException($"There is no mail template \"{mail.Template}\": use a name from MailTemplates.", nameof(mail));

        var from = options.Value.Sender;
        var subject = Fill(await ReadAsync(mail.Template, SubjectPart, ct), mail.Values, html: false);
        var body = new BodyBuilder
        {
            TextBody = Fill(await ReadAsync(mail.Template, TextPart, ct), mail.Values, html: false),
            HtmlBody = Fill(await ReadAsync(mail.Template, HtmlPart, ct), mail.Values, html: true),
        };
        var message = new MimeMessage
        {
            // One line: a value is never a way to add a header.
            Subject = string.Join(' ', subject.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            Date = time.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(from.Domain),
            Body = body.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(mail.To));
        return message;
    }

    async Task<string> ReadAsync(string template, string part, CancellationToken ct)
    {
        if (options.Value.TemplatesPath is { } folder && Path.Combine(folder, template + part) is var path && File.Exists(path))
            return await File.ReadAllTextAsync(path, ct);
        await using var stream = typeof(MailComposer).Assembly.GetManifestResourceStream($"MiniAuth.Mail.{template}{part}")
            ?? throw new InvalidOperationException($"The built-in mail template {template}{part} is missing from the build.");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }

    // A placeholder with no value is left empty: an operator's typo costs a word, not the mail.
    static string Fill(string template, IReadOnlyDictionary<string, string> values, bool html) =>
        Placeholder().Replace(template, match =>
            values.TryGetValue(match.Groups[1].Value, out var value) ? (html ? WebUtility.HtmlEncode(value) : value) : "");

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
