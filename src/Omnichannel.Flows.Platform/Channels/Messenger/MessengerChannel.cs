using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Messenger;

public static class MessengerChannel
{
    public static IServiceCollection AddMessengerChannel(this IServiceCollection services) =>
        services.AddMetaMessagingChannel<MessengerOptions, MessengerInboundChannel, MessengerOutboundChannel, MessengerSimulator>(
            ChannelKind.Messenger, MessengerOptions.Section);

    public static IEndpointRouteBuilder MapMessengerWebhooks(this IEndpointRouteBuilder app) =>
        app.MapMetaMessagingWebhooks<MessengerOptions>(ChannelKind.Messenger);
}
