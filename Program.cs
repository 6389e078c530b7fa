using MiniAuth.Auth;
using MiniAuth.Storage;
using MiniAuth.Storage.LiteDb;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddMiniAuth();
builder.Services.AddAccountDefences();
builder.Services.AddValidatedOptions<SweeperOptions>(SweeperOptions.Section);
builder.Services.AddLiteDbStorage();
builder.Services.AddStorageBackends();
builder.Services.AddHostedService<SessionSweeper>();
builder.Services.AddStorageHealthChecks();
builder.Services.AddMiniAuthProblemDetails();
builder.Services.ConfigureHttpJsonOptions(json =>
    json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(
        System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false)));
builder.Services.AddOpenApi();
builder.Services.AddMiniAuthCors();

if (AdminCommands.Requested(args))
{
    Environment.ExitCode = await AdminCommands.RunAsync(builder, args);
    return;
}

var app = builder.Build();

app.UseTrustedForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCors();
app.UseMiniAuthStaticFiles();
app.UseRequestBodyLimit();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapAuthApi();
app.MapProfileApi();
app.MapSessionsApi();
app.MapAdminApi();
app.MapWellKnownApi();
app.MapStorageHealth();

app.Run();

public partial class Program;
