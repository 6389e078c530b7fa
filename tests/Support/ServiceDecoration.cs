using Microsoft.Extensions.DependencyInjection;

namespace MiniAuth.Tests;

static class ServiceDecoration
{
    // Wraps whatever the app registered for T (LiteDB or the server backend the options chose).
    public static void Decorate<T>(this IServiceCollection services, Func<T, T> wrap) where T : class
    {
        var registered = services.Last(d => d.ServiceType == typeof(T));
        services.AddSingleton<T>(provider => wrap((T)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!))));
    }
}
