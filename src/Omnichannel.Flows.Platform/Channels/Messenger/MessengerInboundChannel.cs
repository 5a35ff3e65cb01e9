using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Messenger;

public sealed class MessengerInboundChannel(IOptions<MessengerOptions> options, MetaMessagingParser parser)
    : MetaMessagingInboundChannel<MessengerOptions>(options, parser);
