using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Instagram;

public sealed class InstagramOutboundChannel(HttpClient http, IOptions<InstagramOptions> options)
    : MetaMessagingOutboundChannel<InstagramOptions>(http, options);
