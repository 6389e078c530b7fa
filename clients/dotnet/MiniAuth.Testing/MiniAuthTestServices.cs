using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace MiniAuth.Testing;

public static class MiniAuthTestServices
{
    // In your WebApplicationFactory's ConfigureTestServices: the app's JwtBearer scheme trusts this
    // MiniAuth, and (shareClock) the app's TimeProvider is MiniAuth's fake clock, so that moving it
    // moves both (token expiry, AddMiniAuthBearer's revocation poll).
    public static IServiceCollection TrustMiniAuth(this IServiceCollection services, MiniAuthTestServer miniAuth,
        string scheme = JwtBearerDefaults.AuthenticationScheme, bool shareClock = true)
    {
        // Configure, not PostConfigure: JwtBearer builds its backchannel from the handler in its own
        // post-configure step, which would come first.
        services.Configure<JwtBearerOptions>(scheme, miniAuth.Trust);
        if (shareClock) services.AddSingleton<TimeProvider>(miniAuth.Time);
        return services;
    }
}
