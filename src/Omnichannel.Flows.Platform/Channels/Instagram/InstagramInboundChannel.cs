using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Instagram;

public sealed class InstagramInboundChannel(IOptions<InstagramOptions> options, MetaMessagingParser parser)
    : MetaMessagingInboundChannel<InstagramOptions>(options, parser);
