using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Board;

// A small "board" API: signed-in users read and pin notes. Who they are comes from a MiniAuth
// access token, checked here with stock JwtBearer against MiniAuth's published keys.
public class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.Services.AddOptions<BoardOptions>().BindConfiguration(BoardOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NoteBoard>();
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<BoardOptions>>((bearer, board) => BoardOptions.ConfigureBearer(bearer, board.Value));
        builder.Services.AddAuthorization();

        var app = builder.Build();

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapBoardApi();

        app.Run();
    }
}
