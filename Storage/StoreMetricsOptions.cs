namespace MiniAuth.Storage;

// Whether store calls are measured: set from MiniAuth:Metrics:Enabled by the service (Storage
// reads no setting of Auth's), so an instance without metrics pays nothing per call.
public sealed class StoreMetricsOptions
{
    public bool Enabled { get; set; }
}
