using System.Globalization;
using MiniAuth.Auth.Api;
using MiniAuth.Auth.Audit;
using MiniAuth.Storage;

namespace MiniAuth.Auth.Admin;

// `admin audit [--user-id I] [--type T] [--limit N] [--follow]`: the tail of the stored trail,
// oldest first like a log, one tab-separated line per event. --follow polls the store each
// second for newer events until cancelled (Ctrl+C, or the socket client going away).
public static class AuditCommand
{
    static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(IServiceProvider services, AdminCommand command, TextWriter output,
        TextWriter error, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (AuditPages.Read(command.Get("user-id"), command.Get("type"), null, null, command.Get("limit"), errors) is not { } query)
            return AdminCommandRunner.Invalid(errors, error);

        var store = services.GetRequiredService<IAuditStore>();
        await services.GetRequiredService<AuditWriter>().CatchUpAsync(ct);
        var latest = await store.ListAsync(query, ct);
        output.WriteLine("at\ttype\tuserId\tsessionId\tipAddress\tdetail");
        foreach (var record in latest.Reverse()) Print(record, output);
        output.Flush();
        if (!command.Has("follow")) return AdminCommandRunner.Ok;

        var time = services.GetRequiredService<TimeProvider>();
        var last = latest.Count > 0 ? latest[0].Id : null;
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, time, ct);
                var newer = await NewerThanAsync(store, query, last, ct);
                foreach (var record in newer) Print(record, output);
                if (newer.Count > 0)
                {
                    last = newer[^1].Id;
                    output.Flush();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return AdminCommandRunner.Ok;
        }
    }

    // Every event after `last`, oldest first: pages back from the newest until it reaches it, so a
    // burst of more than one page between two polls loses nothing. Ids order as the events happened.
    static async Task<List<AuditEventRecord>> NewerThanAsync(IAuditStore store, AuditQuery query, string? last, CancellationToken ct)
    {
        var newer = new List<AuditEventRecord>();
        string? before = null;
        while (true)
        {
            var page = await store.ListAsync(query with { Before = before, Limit = AuditPages.MaxLimit }, ct);
            foreach (var record in page)
            {
                if (last is not null && string.CompareOrdinal(record.Id, last) <= 0) return Reversed(newer);
                newer.Add(record);
            }
            if (page.Count < AuditPages.MaxLimit) return Reversed(newer);
            before = page[^1].Id;
        }
    }

    static List<AuditEventRecord> Reversed(List<AuditEventRecord> records)
    {
        records.Reverse();
        return records;
    }

    static void Print(AuditEventRecord record, TextWriter output) => output.WriteLine(string.Join('\t',
        record.At.ToString("O", CultureInfo.InvariantCulture), record.Type, record.UserId ?? "-", record.SessionId ?? "-",
        record.IpAddress ?? "-", record.Detail ?? "-"));
}
