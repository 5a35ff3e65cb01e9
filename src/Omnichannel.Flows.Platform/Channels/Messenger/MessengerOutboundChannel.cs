using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.Messenger;

public sealed class MessengerOutboundChannel(HttpClient http, IOptions<MessengerOptions> options)
    : MetaMessagingOutboundChannel<MessengerOptions>(http, options);
