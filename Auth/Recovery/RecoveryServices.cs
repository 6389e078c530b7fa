namespace MiniAuth.Auth.Recovery;

public static class RecoveryServices
{
    // The one-time tokens, their mails and the reset worker. The mail queue they hand mails to is
    // registered by the mail delivery (MailServices.AddMail), not here.
    public static IServiceCollection AddRecovery(this IServiceCollection services)
    {
        services.AddValidatedOptions<PasswordResetOptions>(PasswordResetOptions.Section);
        services.AddValidatedOptions<EmailVerificationOptions>(EmailVerificationOptions.Section);
        services.AddSingleton<AccountTokens>();
        services.AddSingleton<RecoveryMails>();
        services.AddSingleton<PasswordResetRequests>();
        services.AddHostedService(provider => provider.GetRequiredService<PasswordResetRequests>());
        return services;
    }
}
