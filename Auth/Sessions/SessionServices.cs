using MiniAuth.Auth.Tokens;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Sessions;

public static class SessionServices
{
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddSingleton<SessionIssuer>();
        // The stores keep an ended session while its access tokens may still be presented, so that
        // their 401 can say why it ended: the token rules decide how long that is.
        services.AddOptions<SessionRetentionOptions>().Configure<IOptions<TokenOptions>>((retention, tokens) =>
            retention.EndedSessionKeep = tokens.Value.EndedSessionKeep);
        return services;
    }
}
