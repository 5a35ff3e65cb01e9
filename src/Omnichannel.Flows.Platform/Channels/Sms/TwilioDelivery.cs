using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary>
/// A Twilio webhook as stored: the form body exactly as posted and the path and query it was posted to, because what a
/// delivery means depends on the URL (<c>/webhooks/sms</c> or <c>/webhooks/sms/status</c>) and a status callback carries
/// our message id in its query (<see cref="SmsChannel.MessageIdParameter"/>).
/// </summary>
public sealed record TwilioDelivery(string PathAndQuery, string Form)
{
    public static TwilioDelivery Of(WebhookRequest request) => new(request.PathAndQuery, Encoding.UTF8.GetString(request.Body));

    public static TwilioDelivery Read(byte[] payload)
    {
        try
        {
            return JsonSerializer.Deserialize<TwilioDelivery>(payload, JsonSerializerOptions.Web)
                ?? throw new InboundPayloadException("The stored delivery is empty.", "");
        }
        catch (JsonException exception)
        {
            throw new InboundPayloadException($"Not a stored Twilio delivery: {exception.Message}", "");
        }
    }

    public byte[] ToPayload() => JsonSerializer.SerializeToUtf8Bytes(this, JsonSerializerOptions.Web);

    public bool IsStatusCallback => Path.EndsWith(SmsChannel.StatusPath, StringComparison.OrdinalIgnoreCase);

    /// <summary>Our message id from the status callback URL we gave Twilio with the send.</summary>
    public Guid? CorrelationId =>
        QueryHelpers.ParseQuery(Query).TryGetValue(SmsChannel.MessageIdParameter, out var value) && Guid.TryParse(value, out var id) ? id : null;

    public TwilioForm Parameters() => TwilioForm.Parse(Form);

    private string Path => PathAndQuery.Split('?', 2)[0];

    private string Query => PathAndQuery.Split('?', 2) is [_, var query] ? query : "";
}
