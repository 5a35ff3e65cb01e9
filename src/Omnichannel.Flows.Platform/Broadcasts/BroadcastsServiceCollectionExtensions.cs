using Microsoft.Extensions.DependencyInjection;

namespace Omnichannel.Flows.Platform.Broadcasts;

public static class BroadcastsServiceCollectionExtensions
{
    /// <summary>Bulk broadcasts: drafts, cost before send, the audience snapshot, and the throttled, exactly-once sender.</summary>
    public static IServiceCollection AddBroadcasts(this IServiceCollection services)
    {
        services.AddOptions<BroadcastOptions>().BindConfiguration(BroadcastOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<BroadcastInstance>();
        services.AddSingleton<BroadcastActivity>();
        services.AddSingleton<SendThrottles>();
        services.AddSingleton<RecipientPlanner>();
        services.AddSingleton<BroadcastOutbox>();
        services.AddSingleton<BroadcastLeases>();
        services.AddSingleton<BroadcastServices>();
        services.AddSingleton<AudienceSnapshot>();
        services.AddScoped<BroadcastRunner>();
        services.AddScoped<BroadcastRunJob>();
        services.AddScoped<BroadcastRecovery>();
        services.AddScoped<BroadcastValidator>();
        services.AddScoped<BroadcastEstimator>();
        services.AddScoped<BroadcastProgressQuery>();
        services.AddScoped<BroadcastDrafts>();
        services.AddScoped<BroadcastControl>();
        services.AddScoped<BroadcastFailures>();
        return services;
    }
}
