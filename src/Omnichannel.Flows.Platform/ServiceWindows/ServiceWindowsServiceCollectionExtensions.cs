using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Pricing;

namespace Omnichannel.Flows.Platform.ServiceWindows;

public static class ServiceWindowsServiceCollectionExtensions
{
    /// <summary>Service windows and what sends cost (the window decides whether a utility template is free).</summary>
    public static IServiceCollection AddServiceWindowsAndPricing(this IServiceCollection services)
    {
        services.AddSingleton<ServiceWindowPolicy>();
        services.AddSingleton<RateCardStore>();
        services.AddSingleton<CostEstimator>();
        services.AddScoped<TemplateSuggestions>();
        services.AddScoped<ContactChannelStates>();
        services.AddScoped<TemplateCosts>();
        services.AddScoped<RateCardUploads>();
        return services;
    }
}
