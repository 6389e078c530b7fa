using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MiniAuth.AspNetCore;

// Polls the revokedSessions feed every PollInterval (on the app's TimeProvider) with the cursor of
// the previous answer, through JwtBearer's own backchannel (the same handler, TLS rules and, in
// tests, the in-memory MiniAuth). A failed poll keeps the list it has; it never stops the host.
internal sealed partial class RevokedSessionsPoller(RevokedSessionList list, IOptionsMonitor<MiniAuthBearerOptions> options,
    IOptionsMonitor<JwtBearerOptions> bearer, TimeProvider time, ILogger<RevokedSessionsPoller> logger, string scheme) : BackgroundService
{
    const int MaxPagesPerPoll = 100;
    string? _cursor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Get(scheme).CheckRevocation) return;
        using var timer = new PeriodicTimer(options.Get(scheme).PollInterval, time);
        do { await PollOnceAsync(stoppingToken); }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task PollOnceAsync(CancellationToken ct)
    {
        var pass = list.StartPoll();
        try
        {
            var http = bearer.Get(scheme).Backchannel;
            var feed = options.Get(scheme).Authority.TrimEnd('/') + "/.well-known/revoked-sessions";
            for (var page = 0; page < MaxPagesPerPoll; page++)
            {
                var url = _cursor is null ? feed : $"{feed}?since={Uri.EscapeDataString(_cursor)}";
                using var response = await http.GetAsync(url, ct);
                // Another store's cursor (MiniAuth changed backend): read the whole feed again.
                if (response.StatusCode == HttpStatusCode.BadRequest && _cursor is not null) { _cursor = null; continue; }
                response.EnsureSuccessStatusCode();
                var answer = await response.Content.ReadFromJsonAsync<RevokedSessionsPage>(ct)
                    ?? throw new InvalidDataException("The revoked-sessions feed answered an empty body.");
                list.Add(answer.Sids, time.GetUtcNow() + TimeSpan.FromSeconds(answer.KeepSeconds));
                _cursor = answer.Cursor;
                if (!answer.More) break;
            }
            list.Succeeded(time.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            list.Failed(e.Message);
            LogPollFailed(e, list.Count);
        }
        finally
        {
            pass.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MiniAuth's revoked-sessions feed could not be read; keeping the {Count} sids known")]
    partial void LogPollFailed(Exception exception, int count);
}
