using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>
/// Sends a text through the Send API, <c>POST {GraphBaseUrl}/{version}/me/messages</c>, as a reply inside the 24 h window
/// (<c>RESPONSE</c>) or with the message's tag (<c>MESSAGE_TAG</c>, e.g. <c>HUMAN_AGENT</c>). Where the channel echoes
/// it, our message id travels as <c>metadata</c> so the echo is recognised as ours.
/// </summary>
public abstract class MetaMessagingOutboundChannel<TOptions>(HttpClient http, IOptions<TOptions> options) : IOutboundChannel
    where TOptions : MetaMessagingOptions
{
    public ChannelKind Channel => options.Value.Channel;

    public Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var payload = new SendPayload(
            new Recipient(message.RecipientId),
            new TextMessage(message.Text ?? "", settings.EchoesMetadata ? message.MessageId.ToString() : null),
            message.MessageTag is null ? "RESPONSE" : "MESSAGE_TAG",
            message.MessageTag);
        return GraphApiSend.PostAsync(http, $"{settings.GraphApiVersion}/me/messages", payload, settings.SendToken,
            answer => answer.String("message_id"), cancellationToken);
    }

    private sealed record SendPayload(
        [property: JsonPropertyName("recipient")] Recipient Recipient,
        [property: JsonPropertyName("message")] TextMessage Message,
        [property: JsonPropertyName("messaging_type")] string MessagingType,
        [property: JsonPropertyName("tag"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Tag);

    private sealed record Recipient([property: JsonPropertyName("id")] string Id);

    private sealed record TextMessage(
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Metadata);
}
