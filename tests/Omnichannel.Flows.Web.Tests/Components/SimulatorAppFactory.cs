using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

/// <summary>
/// The app with the simulator on. The test host has no socket, so the simulator's self-posts go to the in-memory
/// server: still the real webhook endpoint over HTTP, just not over TCP.
/// </summary>
public sealed class SimulatorAppFactory : FlowsAppFactory
{
    protected override void Configure(IDictionary<string, string?> settings)
    {
        settings["Simulator:Enabled"] = "true";
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.AddHttpClient(CustomerSimulator.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler()));
    }
}
