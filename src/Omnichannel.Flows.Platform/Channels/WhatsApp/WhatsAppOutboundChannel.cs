using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

/// <summary>
/// Sends through <c>POST {GraphBaseUrl}/{version}/{phone-number-id}/messages</c>. Our message id travels as
/// <c>biz_opaque_callback_data</c>, so status webhooks can be matched even when the send's answer was lost.
/// </summary>
public sealed class WhatsAppOutboundChannel(HttpClient http, IOptions<WhatsAppOptions> options) : IOutboundChannel
{
    public ChannelKind Channel => ChannelKind.WhatsApp;

    public Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var payload = new SendTextPayload(message.RecipientId, new TextBody(message.Text ?? ""), message.MessageId.ToString());
        return GraphApiSend.PostAsync(http, $"{settings.GraphApiVersion}/{settings.PhoneNumberId}/messages", payload, settings.AccessToken,
            answer => answer.Array("messages").Select(m => m.String("id")).FirstOrDefault(id => id is not null), cancellationToken);
    }

    private sealed record SendTextPayload(
        [property: JsonPropertyName("to")] string To,
        [property: JsonPropertyName("text")] TextBody Text,
        [property: JsonPropertyName("biz_opaque_callback_data")] string CallbackData)
    {
        [JsonPropertyName("messaging_product")] public string MessagingProduct => "whatsapp";
        [JsonPropertyName("recipient_type")] public string RecipientType => "individual";
        [JsonPropertyName("type")] public string Type => "text";
    }

    private sealed record TextBody([property: JsonPropertyName("body")] string Body)
    {
        [JsonPropertyName("preview_url")] public bool PreviewUrl => false;
    }
}
