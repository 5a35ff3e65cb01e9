using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Instagram;

public static class InstagramChannel
{
    public static IServiceCollection AddInstagramChannel(this IServiceCollection services) =>
        services.AddMetaMessagingChannel<InstagramOptions, InstagramInboundChannel, InstagramOutboundChannel, InstagramSimulator>(
            ChannelKind.Instagram, InstagramOptions.Section);

    public static IEndpointRouteBuilder MapInstagramWebhooks(this IEndpointRouteBuilder app) =>
        app.MapMetaMessagingWebhooks<InstagramOptions>(ChannelKind.Instagram);
}
