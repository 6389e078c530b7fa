using MiniAuth.Auth;
using MiniAuth.Storage;
using MiniAuth.Storage.LiteDb;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddMiniAuth();
builder.Services.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
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

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestBodyLimit();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapAuthApi();
app.MapProfileApi();
app.MapWellKnownApi();
app.MapStorageHealth();

app.Run();

public partial class Program;
