using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Outbound;

namespace Omnichannel.Flows.Platform.Channels.Telegram;

/// <summary>
/// Sends through <c>POST {ApiBaseUrl}/bot{token}/sendMessage { chat_id, text }</c>. The answer's
/// <c>result: { message_id, chat: { id } }</c> becomes the id <c>{chat}:{message_id}</c>, the same form inbound messages get.
/// </summary>
public sealed class TelegramOutboundChannel(HttpClient http, IOptions<TelegramOptions> options) : IOutboundChannel
{
    public ChannelKind Channel => ChannelKind.Telegram;

    public async Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        object chatId = long.TryParse(message.RecipientId, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var numeric)
            ? numeric
            : message.RecipientId;
        // "./" keeps the token's ':' from being read as a URI scheme.
        using var response = await http.PostAsJsonAsync(
            new Uri($"./bot{options.Value.BotToken}/sendMessage", UriKind.Relative), new SendMessagePayload(chatId, message.Text ?? ""), cancellationToken);
        var answer = await ProviderRefusal.ReadJsonAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode || answer.Boolean("ok") != true)
        {
            return ClassifyError(response, answer);
        }

        var result = answer.Object("result");
        var messageId = result?.Int64("message_id");
        var chat = result?.Object("chat")?.Int64("id");
        return messageId is null || chat is null
            ? new SendOutcome.Unknown("Telegram answered without a message id.")
            : new SendOutcome.Accepted($"{chat}:{messageId}");
    }

    /// <summary>Telegram's error answer: <c>{ ok: false, error_code, description, parameters: { retry_after } }</c>.</summary>
    private static SendOutcome ClassifyError(HttpResponseMessage response, JsonElement answer)
    {
        var code = answer.Int64("error_code") ?? (int)response.StatusCode;
        var retryAfter = answer.Object("parameters")?.Int64("retry_after") is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        return ProviderRefusal.Classify(
            response.StatusCode, code.ToString(CultureInfo.InvariantCulture), answer.String("description") ?? ProviderRefusal.Describe(response),
            retryAfter: retryAfter ?? response.Headers.RetryAfter?.Delta);
    }

    private sealed record SendMessagePayload(
        [property: JsonPropertyName("chat_id")] object ChatId,
        [property: JsonPropertyName("text")] string Text);
}
