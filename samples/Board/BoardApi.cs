using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Board;

public sealed record NoteRequest(string? Text);

public sealed record NoteResponse(long Id, string Author, string Text, DateTimeOffset PinnedAt);

// The notes, in memory: this sample is about who may call, not about storage.
public sealed class NoteBoard(TimeProvider time)
{
    readonly ConcurrentQueue<NoteResponse> _notes = new();
    long _lastId;

    public IReadOnlyList<NoteResponse> All => [.. _notes];

    public void Clear() => _notes.Clear();

    public NoteResponse Pin(string author, string text)
    {
        var note = new NoteResponse(Interlocked.Increment(ref _lastId), author, text, time.GetUtcNow());
        _notes.Enqueue(note);
        return note;
    }
}

public static class BoardApi
{
    public static RouteGroupBuilder MapBoardApi(this IEndpointRouteBuilder app)
    {
        var board = app.MapGroup("/board").WithTags("Board").RequireAuthorization();
        board.MapGet("/", ListNotes).WithName("listNotes");
        board.MapPost("/", PinNote).WithName("pinNote");
        board.MapGet("/me", WhoAmI).WithName("whoAmI");
        // Roles come from the token's `roles` claim (RoleClaimType), as MiniAuth's admins set them.
        board.MapDelete("/", ClearNotes).WithName("clearNotes").RequireAuthorization(policy => policy.RequireRole("moderator"));
        return board;
    }

    static Ok<IReadOnlyList<NoteResponse>> ListNotes(NoteBoard notes) => TypedResults.Ok(notes.All);

    static NoContent ClearNotes(NoteBoard notes)
    {
        notes.Clear();
        return TypedResults.NoContent();
    }

    static Results<Created<NoteResponse>, ValidationProblem> PinNote(NoteRequest request, NoteBoard notes, ClaimsPrincipal user)
    {
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > 500)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = ["A note has 1 to 500 characters."] });
        var note = notes.Pin(user.FindFirstValue("email") ?? user.Identity!.Name!, request.Text);
        return TypedResults.Created($"/board/{note.Id}", note);
    }

    // What the token said, as this service understood it.
    static Ok<WhoAmIResponse> WhoAmI(ClaimsPrincipal user) => TypedResults.Ok(new WhoAmIResponse(
        user.FindFirstValue("sub")!, user.FindFirstValue("email"), user.FindAll("roles").Select(c => c.Value).ToList()));

    public sealed record WhoAmIResponse(string UserId, string? Email, IReadOnlyList<string> Roles);
}
