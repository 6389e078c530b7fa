using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MiniAuth.Testing;

// MiniAuth's own composition root (its Program), hosted on a TestServer with the kit's settings
// and clock: the same service the binary runs, not a stand-in.
internal sealed class MiniAuthFactory(IReadOnlyDictionary<string, string?> settings, FakeTimeProvider time)
    : WebApplicationFactory<Program>
{
    // WebApplicationFactory looks for MiniAuth's source folder beside a solution file, which a
    // package has not; it takes a content root from this variable first. An empty folder: MiniAuth
    // reads nothing from it (wwwroot and templates are embedded), and not the tests' appsettings.json.
    static MiniAuthFactory()
    {
        var folder = Path.Combine(Path.GetTempPath(), "miniauth-testing", "content-root");
        Directory.CreateDirectory(folder);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_MINIAUTH", folder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(time));
    }
}
