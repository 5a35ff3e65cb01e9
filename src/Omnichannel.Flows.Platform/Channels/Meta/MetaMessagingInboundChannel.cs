using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>A Messenger/Instagram webhook: Meta's signature, then the envelope's <c>object</c> and <c>entry</c> array.</summary>
public abstract class MetaMessagingInboundChannel<TOptions>(IOptions<TOptions> options, MetaMessagingParser parser) : IInboundChannel
    where TOptions : MetaMessagingOptions
{
    public ChannelKind Channel => options.Value.Channel;

    public WebhookVerdict Inspect(WebhookRequest request) =>
        MetaSignature.VerifyThenInspect(request, options.Value.AppSecret, options.Value.WebhookObject);

    public IReadOnlyList<InboundItem> Parse(InboundEvent delivery) => parser.Parse(delivery.Payload);
}
