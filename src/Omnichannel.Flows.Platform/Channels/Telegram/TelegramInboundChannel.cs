using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Ingest;

namespace Omnichannel.Flows.Platform.Channels.Telegram;

/// <summary>Bot API webhook updates, accepted only with the configured secret token (compared in constant time).</summary>
public sealed class TelegramInboundChannel(IOptions<TelegramOptions> options, TelegramUpdateParser parser) : IInboundChannel
{
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    public ChannelKind Channel => ChannelKind.Telegram;

    public WebhookVerdict Inspect(WebhookRequest request)
    {
        var secret = options.Value.SecretToken;
        if (string.IsNullOrEmpty(secret))
        {
            return WebhookVerdict.Unauthorized("No secret token is configured for the Telegram channel.");
        }

        // Hashing both first keeps the comparison constant-time even when the lengths differ.
        var sent = SHA256.HashData(Encoding.UTF8.GetBytes(request.Headers[SecretHeader].ToString()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return CryptographicOperations.FixedTimeEquals(sent, expected)
            ? WebhookVerdict.FromParse(() => parser.Parse(request.Body))
            : WebhookVerdict.Unauthorized($"Missing or wrong {SecretHeader} header.");
    }

    public IReadOnlyList<InboundItem> Parse(InboundEvent delivery) => parser.Parse(delivery.Payload);
}
