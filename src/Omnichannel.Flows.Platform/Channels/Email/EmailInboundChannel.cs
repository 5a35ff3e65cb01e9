using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;

namespace Omnichannel.Flows.Platform.Channels.Email;

/// <summary>
/// The inbound-parse webhook: the form is read, its signature and timestamp verified, and its token claimed once by the
/// ingest pipeline (<see cref="IReplayGuardedChannel"/>) — the signature does not cover the body.
/// </summary>
public sealed class EmailInboundChannel(IOptions<EmailOptions> options, EmailPayloadParser parser, TimeProvider time)
    : IInboundChannel, IReplayGuardedChannel
{
    public ChannelKind Channel => ChannelKind.Email;

    public WebhookVerdict Inspect(WebhookRequest request)
    {
        EmailForm form;
        try
        {
            form = EmailForm.Read(request.Body, request.ContentType);
        }
        catch (InboundPayloadException exception)
        {
            return WebhookVerdict.Malformed(exception.Message, exception.Pointer);
        }

        var settings = options.Value;
        var signature = EmailWebhookSignature.Verify(form, settings.SigningKey, time.GetUtcNow(), settings.MaxTimestampAge);
        return signature == WebhookVerdict.Accepted ? EmailPayloadParser.InspectShape(form) : signature;
    }

    public ReplayNonce? ReplayNonceOf(WebhookRequest request) =>
        EmailWebhookSignature.NonceOf(EmailForm.Read(request.Body, request.ContentType), options.Value.MaxTimestampAge);

    public IReadOnlyList<InboundItem> Parse(InboundEvent delivery) => [parser.Parse(EmailForm.Read(delivery.Payload, delivery.ContentType))];
}
