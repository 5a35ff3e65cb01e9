using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

public sealed class WhatsAppInboundChannel(IOptions<WhatsAppOptions> options, WhatsAppPayloadParser parser) : IInboundChannel
{
    public ChannelKind Channel => ChannelKind.WhatsApp;

    public WebhookVerdict Inspect(WebhookRequest request)
    {
        var signature = MetaSignature.Verify(request, options.Value.AppSecret);
        return signature == WebhookVerdict.Accepted
            ? MetaJson.InspectEnvelope(request.Body, "whatsapp_business_account")
            : signature;
    }

    public IReadOnlyList<InboundItem> Parse(InboundEvent delivery) => parser.Parse(delivery.Payload);
}
