using Microsoft.AspNetCore.Http.Features;
using MiniAuth.Auth.Bearer;

namespace MiniAuth.Auth.Api;

// Every non-2xx answer is application/problem+json with a detail a client can act on.
public static class HttpErrors
{
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static IServiceCollection AddMiniAuthProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var bearer = problem.Status == StatusCodes.Status401Unauthorized ? AccessTokenFailure.Of(context.HttpContext) : null;
            if (!problem.Extensions.ContainsKey(Problems.CodeKey))
            {
                problem.Extensions[Problems.CodeKey] = bearer?.Code ?? Problems.CodeForStatus(problem.Status ?? 500);
                if (bearer?.Reason is { } reason) problem.Extensions["reason"] = reason;
            }
            problem.Detail ??= problem.Status switch
            {
                StatusCodes.Status400BadRequest => "The request could not be read: send JSON of the documented shape.",
                StatusCodes.Status401Unauthorized => bearer?.Detail,
                StatusCodes.Status403Forbidden => "This operation needs a role the caller does not have.",
                StatusCodes.Status404NotFound => "There is nothing at this address.",
                StatusCodes.Status405MethodNotAllowed => "This address does not take that method.",
                StatusCodes.Status413PayloadTooLarge => $"A request body has at most {MaxRequestBodyBytes / 1024} KiB.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                _ => null,
            };
        });
        // Malformed bodies are the client's mistake: a 400, never an exception.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        return services;
    }

    // Kestrel enforces the limit while reading; a declared length over it is refused before that.
    public static IApplicationBuilder UseRequestBodyLimit(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.ContentLength > MaxRequestBodyBytes)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxRequestBodyBytes;
        await next(http);
    });
}
