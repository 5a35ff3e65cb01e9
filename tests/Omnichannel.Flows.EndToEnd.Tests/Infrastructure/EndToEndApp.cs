using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 on a free port, as a browser reaches it: Development (so package static
/// assets resolve from the build), a temp SQLite data folder, channels in sandbox mode, a known admin password.
/// WebApplicationFactory gives it the app's applicationName and content root.
/// </summary>
public sealed class EndToEndApp : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@e2e.local";
    public const string AdminPassword = "E2e-Admin-Pa55word!";

    /// <summary>A small start-up warm-up (the app's default is 10 × 80 requests): enough to see it work on Kestrel.</summary>
    public const int WarmUpRounds = 2;

    public const int WarmUpRequestsPerRound = 8;

    /// <summary>Runs of the built-in warm-up flow (the app's default is 200).</summary>
    public const int WarmUpFlowRuns = 4;

    public EndToEndApp() => UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "omnichannel-e2e", Guid.NewGuid().ToString("N"));

    /// <summary>Where the browser (and the simulator's self-posts) reach the app; valid after <see cref="WebApplicationFactory{T}.StartServer"/>.</summary>
    public Uri BaseUrl => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string?>
        {
            ["Database:DataPath"] = DataPath,
            ["Auth:Admin:Email"] = AdminEmail,
            ["Auth:Admin:Password"] = AdminPassword,
            ["Jobs:SchedulePollingInterval"] = "00:00:00.200",
            ["Webhooks:PollInterval"] = "00:00:00.300",
            ["Phone:DefaultRegion"] = "DE",
            ["Channels:WhatsApp:Mode"] = "Sandbox",
            ["Simulator:Enabled"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["WarmUp:Rounds"] = $"{WarmUpRounds}",
            ["WarmUp:RequestsPerRound"] = $"{WarmUpRequestsPerRound}",
            ["WarmUp:FlowRuns"] = $"{WarmUpFlowRuns}",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file; the temp folder is cleaned by the OS.
        }
    }
}
