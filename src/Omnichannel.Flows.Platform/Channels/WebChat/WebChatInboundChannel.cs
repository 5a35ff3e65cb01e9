using System.Text.Json;
using Omnichannel.Flows.Platform.Channels.Ingest;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Channels.WebChat;

/// <summary>
/// Turns a stored visitor message (<see cref="WebChatDelivery"/>) into a message from the identity
/// <c>(webchat, session id)</c>. There is no provider webhook: messages arrive through the session API.
/// </summary>
public sealed class WebChatInboundChannel : IInboundChannel
{
    public ChannelKind Channel => ChannelKind.WebChat;

    public WebhookVerdict Inspect(WebhookRequest request) =>
        WebhookVerdict.Unauthorized("Web chat messages are posted to /api/webchat/sessions/{id}/messages with the session token.");

    public IReadOnlyList<InboundItem> Parse(InboundEvent delivery)
    {
        WebChatDelivery? message;
        try
        {
            message = JsonSerializer.Deserialize<WebChatDelivery>(delivery.Payload, JsonSerializerOptions.Web);
        }
        catch (JsonException exception)
        {
            throw new InboundPayloadException($"Not a web chat delivery: {exception.Message}", "");
        }

        if (message is null || message.SessionId == Guid.Empty || string.IsNullOrEmpty(message.MessageId))
        {
            throw new InboundPayloadException("A web chat delivery needs a session id and a message id.", "/sessionId");
        }

        return
        [
            new InboundMessage
            {
                ExternalId = WebChatDelivery.ExternalIdOf(message.SessionId, message.MessageId),
                Customer = new CustomerIdentity(message.SessionId.ToString()),
                SentAt = message.SentAt,
                Kind = MessageKind.Text,
                Text = message.Text,
            },
        ];
    }
}
