using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;

namespace Omnichannel.Flows.Platform.Channels.TikTok;

/// <summary>Business Messaging webhooks, accepted only with a fresh, valid <see cref="TikTokSignature"/>.</summary>
public sealed class TikTokInboundChannel(IOptions<TikTokOptions> options, TikTokEventParser parser, TimeProvider time) : IInboundChannel
{
    public ChannelKind Channel => ChannelKind.TikTok;

    public WebhookVerdict Inspect(WebhookRequest request) =>
        TikTokSignature.Verify(request, options.Value.ClientSecret, time.GetUtcNow())
            .AndThen(() => WebhookVerdict.FromParse(() => parser.Parse(request.Body)));

    public IReadOnlyList<InboundItem> Parse(InboundEvent delivery) => parser.Parse(delivery.Payload);
}
