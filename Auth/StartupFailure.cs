using System.Text.RegularExpressions;
using MiniAuth.Storage;

namespace MiniAuth.Auth;

// A start that fails for the operator's reasons (a bad setting, an unreachable or locked store)
// is told in one line naming what to fix, not as a crash with a stack trace.
public static partial class StartupFailure
{
    public const int ExitCode = 1;

    // Only when MiniAuth is the process: a test host (WebApplicationFactory) runs this entry point
    // too, and reports a failed start from the exception it sees.
    public static bool IsOwnProcess => System.Reflection.Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly;

    // Settings, then the stores, before the host starts: the host would log a failure of its start
    // with a stack trace ("Hosting failed to start") before the one line of Describe.
    public static async Task CheckAsync(IServiceProvider services)
    {
        services.GetService<IStartupValidator>()?.Validate();
        if (services.GetServices<IHostedService>().OfType<StorageConnector>().SingleOrDefault() is { } stores)
            await stores.ConnectAsync(CancellationToken.None);
    }

    // Null for anything else: a bug keeps its stack trace.
    public static string? Describe(Exception e) => e switch
    {
        OptionsValidationException invalid => string.Join(" ", invalid.Failures.Select(Unwrap)),
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => message,
        StorageUnavailableException or IOException or UnauthorizedAccessException => e.Message,
        AggregateException { InnerExceptions: [var inner] } => Describe(inner),
        _ => null,
    };

    // DataAnnotations wraps each message ("... with the error: '<message>'."): the message names the key.
    static string Unwrap(string failure) =>
        DataAnnotationsFailure().Match(failure) is { Success: true } match ? match.Groups[1].Value : failure;

    [GeneratedRegex("with the error: '(.*)'\\.$")]
    private static partial Regex DataAnnotationsFailure();
}
