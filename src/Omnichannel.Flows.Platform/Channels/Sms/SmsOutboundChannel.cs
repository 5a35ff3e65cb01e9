using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels.Outbound;

namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary>
/// Sends through <c>POST {ApiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c> (basic auth). Our message id
/// travels in the <c>StatusCallback</c> URL, so statuses can be matched even when the send's answer was lost.
/// </summary>
public sealed class SmsOutboundChannel(HttpClient http, IOptions<SmsOptions> options) : IOutboundChannel
{
    /// <summary>Twilio's "too many requests" code, also sent with HTTP 429.</summary>
    private const long TooManyRequests = 20429;

    public ChannelKind Channel => ChannelKind.Sms;

    public async Task<SendOutcome> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid ?? "")}/Messages.json")
        {
            Content = Form(settings, message).ToContent(),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return await ClassifyErrorAsync(response, cancellationToken);
        }

        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return answer.String("sid") is { } sid
            ? new SendOutcome.Accepted(sid)
            : new SendOutcome.Unknown("Twilio answered without a message sid.");
    }

    /// <summary>The form Twilio's Messages resource takes: <c>To, From | MessagingServiceSid, Body, StatusCallback</c>.</summary>
    private static TwilioForm Form(SmsOptions settings, OutboundMessage message)
    {
        List<KeyValuePair<string, string>> fields =
        [
            new("To", message.RecipientId),
            string.IsNullOrWhiteSpace(settings.MessagingServiceSid)
                ? new("From", settings.FromNumber ?? "")
                : new("MessagingServiceSid", settings.MessagingServiceSid),
            new("Body", message.Text ?? ""),
        ];
        if (!string.IsNullOrWhiteSpace(settings.WebhookUrl))
        {
            fields.Add(new("StatusCallback", $"{settings.WebhookUrl.TrimEnd('/')}{SmsChannel.StatusPath}?{SmsChannel.MessageIdParameter}={message.MessageId}"));
        }

        return TwilioForm.Of(fields);
    }

    /// <summary>Twilio's error answer: <c>{ code, message, more_info, status }</c>. 20429/429 and 5xx are retried; 21610 (opted out), 21211 (invalid number) and the rest fail.</summary>
    private static async Task<SendOutcome> ClassifyErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = await ProviderRefusal.ReadJsonAsync(response, cancellationToken);
        var code = error.Int64("code");
        return ProviderRefusal.Classify(
            response.StatusCode,
            code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
            error.String("message") ?? ProviderRefusal.Describe(response),
            rateLimited: code == TooManyRequests,
            retryAfter: response.Headers.RetryAfter?.Delta);
    }
}
