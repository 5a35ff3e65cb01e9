using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Outbound;

namespace Omnichannel.Flows.Platform.Channels.TikTok;

/// <summary>
/// Sends through the Business Messaging send endpoint (<c>POST {ApiBaseUrl}/{SendPath}</c>, header <c>Access-Token</c>)
/// with <c>{ business_id, recipient_type: "CONVERSATION", recipient, message_type: "TEXT", text: { body } }</c>. TikTok
/// answers HTTP 200 with <c>{ code, message, request_id, data: { message: { message_id } } }</c>; only code 0 is success.
/// </summary>
public sealed class TikTokOutboundChannel(HttpClient http, IOptions<TikTokOptions> options) : IOutboundChannel
{
    /// <summary>TikTok API for Business "requests made too frequently" codes (app, endpoint and account level).</summary>
    private static readonly HashSet<long> RateLimitCodes = [40016, 40100, 40133];

    public ChannelKind Channel => ChannelKind.TikTok;

    public async Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.SendPath.TrimStart('/'))
        {
            Content = JsonContent.Create(new SendPayload(settings.BusinessId ?? "", message.RecipientId, new TextBody(message.Text ?? ""))),
        };
        request.Headers.Add("Access-Token", settings.AccessToken);

        using var response = await http.SendAsync(request, cancellationToken);
        var answer = await ProviderRefusal.ReadJsonAsync(response, cancellationToken);
        var code = answer.Int64("code");
        if (!response.IsSuccessStatusCode || code != 0)
        {
            return ProviderRefusal.Classify(
                response.StatusCode,
                (code ?? (int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
                answer.String("message") ?? ProviderRefusal.Describe(response),
                rateLimited: code is { } limited && RateLimitCodes.Contains(limited),
                transient: code >= 50000,
                retryAfter: response.Headers.RetryAfter?.Delta);
        }

        return answer.Object("data")?.Object("message")?.String("message_id") is { } id
            ? new SendOutcome.Accepted(id)
            : new SendOutcome.Unknown("TikTok answered without a message id.");
    }

    private sealed record SendPayload(
        [property: JsonPropertyName("business_id")] string BusinessId,
        [property: JsonPropertyName("recipient")] string Recipient,
        [property: JsonPropertyName("text")] TextBody Text)
    {
        [JsonPropertyName("recipient_type")] public string RecipientType => "CONVERSATION";
        [JsonPropertyName("message_type")] public string MessageType => "TEXT";
    }

    private sealed record TextBody([property: JsonPropertyName("body")] string Body);
}
