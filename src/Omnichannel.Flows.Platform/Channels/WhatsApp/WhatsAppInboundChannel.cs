using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

public sealed class WhatsAppInboundChannel(IOptions<WhatsAppOptions> options, WhatsAppPayloadParser parser) : IInboundChannel
{
    public ChannelKind Channel => ChannelKind.WhatsApp;

    public WebhookVerdict Inspect(WebhookRequest request) =>
        MetaSignature.VerifyThenInspect(request, options.Value.AppSecret, "whatsapp_business_account");

    public IReadOnlyList<InboundItem> Parse(InboundEvent delivery) => parser.Parse(delivery.Payload);
}
