using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Simulator;

namespace Omnichannel.Flows.Platform.Channels.TikTok;

public static class TikTokChannel
{
    public static IServiceCollection AddTikTokChannel(this IServiceCollection services)
    {
        services.AddChannelOptions<TikTokOptions>(ChannelKind.TikTok, TikTokOptions.Section);
        services.AddSingleton<TikTokEventParser>();
        services.AddSingleton<IChannelSimulator, TikTokSimulator>();
        services.AddInboundChannel<TikTokInboundChannel>(ChannelKind.TikTok);
        services.AddOutboundChannel<TikTokOutboundChannel>(ChannelKind.TikTok, (sp, http) =>
            http.BaseAddress = ChannelRegistration.BaseAddress(sp.GetRequiredService<IOptions<TikTokOptions>>().Value.ApiBaseUrl));
        return services;
    }

    public static IEndpointRouteBuilder MapTikTokWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapWebhook("/webhooks/tiktok", ChannelKind.TikTok);
        return app;
    }
}
