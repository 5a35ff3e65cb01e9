using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;

namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary>
/// Twilio's incoming-message webhook and status callbacks. Both are verified with <see cref="TwilioSignature"/> and
/// stored as a <see cref="TwilioDelivery"/> (form body plus the path and query it was posted to); Twilio gets the
/// empty TwiML answer it expects.
/// </summary>
public sealed class SmsInboundChannel(IOptions<SmsOptions> options, SmsPayloadParser parser, TimeProvider time) : IInboundChannel
{
    public ChannelKind Channel => ChannelKind.Sms;

    public WebhookVerdict Inspect(WebhookRequest request)
    {
        var settings = options.Value;
        return TwilioSignature.Verify(request, TwilioForm.Parse(request.Body), settings.AuthToken, settings.WebhookUrl)
            .AndThen(() => WebhookVerdict.FromParse(() => parser.Parse(TwilioDelivery.Of(request), time.GetUtcNow().UtcDateTime)));
    }

    public byte[] Capture(WebhookRequest request) => TwilioDelivery.Of(request).ToPayload();

    public IReadOnlyList<InboundItem> Parse(InboundEvent delivery) => parser.Parse(TwilioDelivery.Read(delivery.Payload), delivery.ReceivedAt);

    public IResult Acknowledge() => Results.Text("<Response/>", "text/xml");
}
