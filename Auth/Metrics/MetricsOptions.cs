using System.ComponentModel.DataAnnotations;

namespace MiniAuth.Auth.Metrics;

// MiniAuth:Metrics. Off by default: /metrics tells how busy the service is and how often logins
// fail, which strangers need not know.
public sealed class MetricsOptions
{
    public const string Section = "MiniAuth:Metrics";

    public bool Enabled { get; set; }

    // When set, /metrics answers only requests that arrived on this local port (list it in
    // --urls too), so a firewall can keep it private; the public port answers 404.
    [Range(1, 65535, ErrorMessage = "MiniAuth:Metrics:Port must be between {1} and {2}.")]
    public int? Port { get; set; }

    // How old the live-sessions gauge may be: it is counted in the store at most this often.
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "MiniAuth:Metrics:LiveSessionsInterval must be between {1} and {2}.")]
    public TimeSpan LiveSessionsInterval { get; set; } = TimeSpan.FromMinutes(1);
}
