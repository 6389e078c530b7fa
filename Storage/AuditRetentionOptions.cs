namespace MiniAuth.Storage;

// How long the store keeps an audit event: the sweeper's cut-off. The service sets it from
// MiniAuth:Audit:Retention (Storage reads no configuration of Auth's).
public sealed class AuditRetentionOptions
{
    public TimeSpan Keep { get; set; } = TimeSpan.FromDays(90);
}
