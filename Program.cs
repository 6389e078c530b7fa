using Microsoft.Extensions.DependencyInjection.Extensions;
using MiniAuth.Auth;
using MiniAuth.Auth.Accounts;
using MiniAuth.Auth.Admin;
using MiniAuth.Auth.Api;
using MiniAuth.Auth.Audit;
using MiniAuth.Auth.Bearer;
using MiniAuth.Auth.Browser;
using MiniAuth.Auth.Defences;
using MiniAuth.Auth.Mail;
using MiniAuth.Auth.Mfa;
using MiniAuth.Auth.Passkeys;
using MiniAuth.Auth.Metrics;
using MiniAuth.Auth.Passwords;
using MiniAuth.Auth.Recovery;
using MiniAuth.Auth.Sessions;
using MiniAuth.Auth.SignIn;
using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

var builder = WebApplication.CreateBuilder(args);

builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddStorage();
builder.Services.AddTokens();
builder.Services.AddSessions();
builder.Services.AddPasswords();
builder.Services.AddAccounts();
builder.Services.AddSignIn();
builder.Services.AddMfa();
builder.Services.AddPasskeys();
builder.Services.AddRecovery();
builder.Services.AddDefences();
builder.Services.AddAuditTrail();
builder.Services.AddMiniAuthMetrics();
builder.Services.AddMail();
builder.Services.AddBearerAuthentication();
builder.Services.AddAdmin();
builder.Services.AddBrowserAccess();
builder.Services.AddMiniAuthApi();
builder.Services.AddHostedService<StartBanner>();

if (AdminCommands.Requested(args))
{
    Environment.ExitCode = await AdminCommands.RunAsync(builder, args);
    return;
}

var app = builder.Build();

app.UseTrustedForwardedHeaders();
app.UseExceptionHandler();
app.UseSessionCheckpoint();
app.UseStatusCodePages();
app.UseCors();
app.UseMiniAuthStaticFiles();
app.UseRequestBodyLimit();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApiDocument();
app.MapAuthApi();
app.MapProfileApi();
app.MapProfileEmailApi();
app.MapProfileActivityApi();
app.MapMfaApi();
app.MapRecoveryApi();
app.MapSessionsApi();
app.MapPasskeysApi();
app.MapAdminApi();
app.MapAdminAuditApi();
app.MapWellKnownApi();
app.MapHealthApi();
app.MapMetricsApi();

try
{
    await StartupFailure.CheckAsync(app.Services);
    await app.RunAsync();
}
catch (Exception e) when (StartupFailure.IsOwnProcess && StartupFailure.Describe(e) is { } reason)
{
    await Console.Error.WriteLineAsync($"MiniAuth did not start: {reason}");
    Environment.ExitCode = StartupFailure.ExitCode;
}

// Internal, so that a test project referencing MiniAuth (through MiniAuth.Testing) and its own
// app sees one Program only: its own (CS0433 otherwise). tests/ and the kit see it (InternalsVisibleTo).
internal partial class Program;
