namespace MiniAuth.Auth.Mail;

public static class MailServices
{
    // IMailQueue for the routes, and the background sender behind it.
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddValidatedOptions<MailOptions>(MailOptions.Section);
        services.AddSingleton<IValidateOptions<MailOptions>, MailLinkOriginValidator>();
        services.AddSingleton<MailComposer>();
        services.AddSingleton<MailSpool>();
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<IMailQueue, MailQueue>();
        services.AddHostedService<MailSender>();
        return services;
    }
}
