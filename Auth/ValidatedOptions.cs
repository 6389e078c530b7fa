namespace MiniAuth.Auth;

public static class ValidatedOptions
{
    // Bound when first read (so test and environment overrides are in), checked at start.
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
