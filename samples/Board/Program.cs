using Microsoft.AspNetCore.Authentication.JwtBearer;
using MiniAuth.AspNetCore;

namespace Board;

// A small "board" API: signed-in users read and pin notes. Who they are comes from a MiniAuth
// access token, checked by MiniAuth.AspNetCore (stock JwtBearer against MiniAuth's published keys,
// and its revoked-sessions feed polled in the background).
public class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NoteBoard>();
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddMiniAuthBearer();
        // Board:Authority, Board:Issuer, Board:Audience, Board:PollInterval … (MiniAuthBearerOptions).
        builder.Services.AddOptions<MiniAuthBearerOptions>(JwtBearerDefaults.AuthenticationScheme).BindConfiguration("Board");
        builder.Services.AddAuthorization();

        var app = builder.Build();

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapBoardApi();
        // Degraded when MiniAuth's revoked-sessions feed does not answer.
        app.MapHealthChecks("/health");

        app.Run();
    }
}
