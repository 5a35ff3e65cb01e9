using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Omnichannel.Flows.Platform.Simulator;

public static class SimulatorServiceCollectionExtensions
{
    /// <summary>
    /// The customer simulator (<c>Simulator:*</c>): on by default in Development, off elsewhere. Each channel registers
    /// its own <see cref="IChannelSimulator"/>; this adds what plays them.
    /// </summary>
    public static IServiceCollection AddSimulator(this IServiceCollection services)
    {
        services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.Section)
            .PostConfigure<IHostEnvironment>((options, environment) => options.Enabled ??= environment.IsDevelopment())
            .Validate(options => string.IsNullOrWhiteSpace(options.SelfBaseUrl) || Uri.TryCreate(options.SelfBaseUrl, UriKind.Absolute, out _),
                "Simulator:SelfBaseUrl must be an absolute URL such as http://localhost:5080/.")
            .ValidateOnStart();
        // The simulator posts to this app's own webhooks: no retries (a repeated delivery would be deduplicated anyway).
        services.AddHttpClient(CustomerSimulator.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<CustomerSimulator>();
        services.AddSingleton<SimulatedCustomers>();
        return services;
    }
}
