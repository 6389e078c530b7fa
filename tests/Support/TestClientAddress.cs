using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace MiniAuth.Tests;

// TestServer has no socket, so no remote address: a request names the address it comes from in
// X-Test-Client-Address, as the TCP peer would be under Kestrel. It runs before the app's own
// middleware (forwarded headers included), so the app sees it exactly like a connection address.
public sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, nextMiddleware) =>
        {
            if (http.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value, out var address))
                http.Connection.RemoteIpAddress = address;
            http.Request.Headers.Remove(Header);
            return nextMiddleware(http);
        });
        next(app);
    };
}
