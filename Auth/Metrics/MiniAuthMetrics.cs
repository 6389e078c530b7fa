using System.Diagnostics.Metrics;

namespace MiniAuth.Auth.Metrics;

// The meter "MiniAuth": what an operator watches. Names are fixed (docs/operations.md lists them
// as Prometheus shows them); the methods below are the whole API, so the code that sees an
// event counts it in one call. Most calls come from AuditMetrics, which reads the audit trail.
public sealed class MiniAuthMetrics
{
    public const string MeterName = "MiniAuth";

    // Tag values of miniauth.logins.
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Throttled = "throttled";
    public const string Refused = "refused";
    public const string MfaRequired = "mfa_required";

    readonly Counter<long>? _logins;
    readonly Counter<long>? _refreshes;
    readonly Counter<long>? _reuse;
    readonly Counter<long>? _mfa;
    readonly Histogram<double>? _hashing;

    // Off (MiniAuth:Metrics:Enabled false), no instrument exists and each call does nothing.
    public MiniAuthMetrics(IMeterFactory meters, IOptions<MetricsOptions> options)
    {
        if (!IsEnabled(options)) return;
        var meter = meters.Create(MeterName);
        _logins = meter.CreateCounter<long>("miniauth.logins", "{login}",
            "Password logins, by outcome: succeeded, failed, throttled, refused (disabled or unverified), mfa_required");
        _refreshes = meter.CreateCounter<long>("miniauth.refreshes", "{refresh}",
            "restoreAccessToken calls, by outcome: succeeded, refused, reuse_detected");
        _reuse = meter.CreateCounter<long>("miniauth.refresh_reuse_detections", "{detection}",
            "Refresh tokens presented again after their rotation (the session is revoked)");
        _mfa = meter.CreateCounter<long>("miniauth.mfa.verifications", "{verification}",
            "Second-factor checks, by method (totp, recovery_code, passkey) and outcome (succeeded, failed)");
        _hashing = meter.CreateHistogram<double>("miniauth.password_hash.duration", "s",
            "Argon2id time per password, by operation (hash, verify), queueing included",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
    }

    // Made with the loggers (AuditMetrics), before the start's checks: a bad setting reads as
    // off here, and those checks stop the start with its one-line message.
    static bool IsEnabled(IOptions<MetricsOptions> options)
    {
        try { return options.Value.Enabled; }
        catch (OptionsValidationException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    public void Login(string outcome) => _logins?.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Refresh(bool succeeded) =>
        _refreshes?.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? Succeeded : Refused));

    // Also a refresh, refused with outcome reuse_detected.
    public void RefreshReuseDetected()
    {
        _reuse?.Add(1);
        _refreshes?.Add(1, new KeyValuePair<string, object?>("outcome", "reuse_detected"));
    }

    // method: "totp", "recovery_code" or "passkey".
    public void MfaVerification(string method, bool succeeded) => _mfa?.Add(1,
        new KeyValuePair<string, object?>("method", method),
        new KeyValuePair<string, object?>("outcome", succeeded ? Succeeded : Failed));

    public void PasswordHashed(string operation, TimeSpan took) =>
        _hashing?.Record(took.TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
}
