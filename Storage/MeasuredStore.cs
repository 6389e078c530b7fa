using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace MiniAuth.Storage;

// A store contract (T) with every call timed and its failures counted (StoreMetrics), whatever
// backend is behind it and whatever methods the contract gains later. The caller gets the
// backend's own task back; the measurement is a continuation on it.
public class MeasuredStore<T> : DispatchProxy where T : class
{
    T _inner = null!;
    StoreMetrics _metrics = null!;
    string _store = "";

    public static T Wrap(T inner, StoreMetrics metrics, string store)
    {
        var proxy = Create<T, MeasuredStore<T>>();
        var measured = (MeasuredStore<T>)(object)proxy;
        (measured._inner, measured._metrics, measured._store) = (inner, metrics, store);
        return proxy;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        var started = Stopwatch.GetTimestamp();
        object? result;
        try
        {
            result = method!.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            _metrics.Failed(_store, method!, inner, started);
            ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }
        if (result is Task task)
            task.ContinueWith(done => _metrics.Completed(_store, method, args, done, started),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        else
            _metrics.Completed(_store, method, args, null, started);
        return result;
    }
}
