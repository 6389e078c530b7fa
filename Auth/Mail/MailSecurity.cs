namespace MiniAuth.Auth.Mail;

// MailKit's SecureSocketOptions by name, less StartTlsWhenAvailable: a downgrade an attacker on
// the path can force is "Auto", said on purpose, never a default.
public enum MailSecurity { None, Auto, StartTls, SslOnConnect }
