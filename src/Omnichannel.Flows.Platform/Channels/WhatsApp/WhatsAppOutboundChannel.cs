using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Meta;

namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

/// <summary>
/// Sends through <c>POST {GraphBaseUrl}/{version}/{phone-number-id}/messages</c>: free text (<c>type: text</c>) or an
/// approved template (<c>type: template</c> with its body parameters). Our message id travels as
/// <c>biz_opaque_callback_data</c>, so status webhooks can be matched even when the send's answer was lost.
/// </summary>
public sealed class WhatsAppOutboundChannel(HttpClient http, IOptions<WhatsAppOptions> options) : IOutboundChannel
{
    public ChannelKind Channel => ChannelKind.WhatsApp;

    public Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var path = $"{settings.GraphApiVersion}/{settings.PhoneNumberId}/messages";
        var callback = message.MessageId.ToString();
        return message.Template is { } template
            ? GraphApiSend.PostAsync(http, path, new SendTemplatePayload(message.RecipientId, TemplateBody.From(template), callback),
                settings.AccessToken, MessageIdOf, cancellationToken)
            : GraphApiSend.PostAsync(http, path, new SendTextPayload(message.RecipientId, new TextBody(message.Text ?? ""), callback),
                settings.AccessToken, MessageIdOf, cancellationToken);
    }

    private static string? MessageIdOf(System.Text.Json.JsonElement answer) =>
        answer.Array("messages").Select(m => m.String("id")).FirstOrDefault(id => id is not null);

    private abstract record Payload(
        [property: JsonPropertyName("to")] string To,
        [property: JsonPropertyName("biz_opaque_callback_data")] string CallbackData)
    {
        [JsonPropertyName("messaging_product")] public string MessagingProduct => "whatsapp";
        [JsonPropertyName("recipient_type")] public string RecipientType => "individual";
    }

    private sealed record SendTextPayload(string To, [property: JsonPropertyName("text")] TextBody Text, string CallbackData)
        : Payload(To, CallbackData)
    {
        [JsonPropertyName("type")] public string Type => "text";
    }

    private sealed record TextBody([property: JsonPropertyName("body")] string Body)
    {
        [JsonPropertyName("preview_url")] public bool PreviewUrl => false;
    }

    private sealed record SendTemplatePayload(string To, [property: JsonPropertyName("template")] TemplateBody Template, string CallbackData)
        : Payload(To, CallbackData)
    {
        [JsonPropertyName("type")] public string Type => "template";
    }

    private sealed record TemplateBody(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("language")] TemplateLanguage Language,
        [property: JsonPropertyName("components")] IReadOnlyList<TemplateComponent> Components)
    {
        public static TemplateBody From(OutboundTemplate template) => new(
            template.Name,
            new TemplateLanguage(template.Language),
            template.BodyParameters.Count == 0
                ? []
                : [new TemplateComponent("body", [.. template.BodyParameters.Select(p => new TextParameter(p.Text, p.IsNamed ? p.Name : null))])]);
    }

    private sealed record TemplateLanguage([property: JsonPropertyName("code")] string Code);

    private sealed record TemplateComponent(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("parameters")] IReadOnlyList<TextParameter> Parameters);

    private sealed record TextParameter(
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("parameter_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ParameterName)
    {
        [JsonPropertyName("type")] public string Type => "text";
    }
}
