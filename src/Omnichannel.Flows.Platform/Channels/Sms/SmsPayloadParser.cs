using System.Globalization;
using System.Text.Json;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Channels.Sms;

/// <summary>
/// Reads Twilio's incoming-message webhook (<c>MessageSid, From, To, Body, NumMedia, MediaUrlN, MediaContentTypeN</c>)
/// and status callbacks (<c>MessageSid, MessageStatus, ErrorCode</c>). Twilio sends no timestamp, so the time the
/// delivery reached us stands in. The sender's number is proven: the message came from it.
/// </summary>
public sealed class SmsPayloadParser(PhoneNumberNormalizer phoneNumbers)
{
    public IReadOnlyList<InboundItem> Parse(TwilioDelivery delivery, DateTime receivedAt)
    {
        var form = delivery.Parameters();
        if (!delivery.IsStatusCallback)
        {
            return [ReadMessage(form, receivedAt)];
        }

        return ReadStatus(form, delivery.CorrelationId, receivedAt) is { } status ? [status] : [];
    }

    private InboundMessage ReadMessage(TwilioForm form, DateTime receivedAt)
    {
        var id = form.Required("MessageSid");
        var from = form.Required("From");
        var phone = phoneNumbers.Normalize(from);
        var media = ReadMedia(form);
        var body = form["Body"];
        return new InboundMessage
        {
            ExternalId = id,
            Customer = new CustomerIdentity(phone ?? from) { ProvenPhone = phone },
            SentAt = receivedAt,
            Kind = media.Count == 0 ? MessageKind.Text : KindOf(media[0].ContentType),
            Text = string.IsNullOrEmpty(body) && media.Count > 0 ? null : body,
            Details = media.Count == 0 ? null : JsonSerializer.Serialize(new { media }, JsonSerializerOptions.Web),
        };
    }

    private static List<TwilioMedia> ReadMedia(TwilioForm form)
    {
        var declared = form["NumMedia"];
        var count = 0;
        if (!string.IsNullOrEmpty(declared) && (!int.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count > 10))
        {
            throw new InboundPayloadException("'NumMedia' must be a number from 0 to 10.", "NumMedia");
        }

        return [.. Enumerable.Range(0, count).Select(i => new TwilioMedia(form.Required($"MediaUrl{i}"), form[$"MediaContentType{i}"]))];
    }

    private static InboundStatus? ReadStatus(TwilioForm form, Guid? correlationId, DateTime receivedAt)
    {
        var id = form.Required("MessageSid");
        var reported = form.Required("MessageStatus");
        DeliveryStatus? status = reported switch
        {
            // Twilio has taken the message: that is what our 'sent' means.
            "accepted" or "scheduled" or "queued" or "sending" or "sent" => DeliveryStatus.Sent,
            "delivered" => DeliveryStatus.Delivered,
            "read" => DeliveryStatus.Read,
            "undelivered" or "failed" or "canceled" => DeliveryStatus.Failed,
            _ => null,
        };
        if (status is null)
        {
            return null;
        }

        var errorCode = form["ErrorCode"] is { Length: > 0 } code ? code : null;
        return new InboundStatus
        {
            ExternalId = id,
            Status = status.Value,
            OccurredAt = receivedAt,
            CorrelationId = correlationId,
            ErrorCode = errorCode,
            ErrorReason = status == DeliveryStatus.Failed
                ? form["ErrorMessage"] ?? $"Twilio reported the message {reported}{(errorCode is null ? "" : $" (error {errorCode})")}."
                : null,
        };
    }

    private static MessageKind KindOf(string? contentType) => contentType?.Split('/')[0] switch
    {
        "image" => MessageKind.Image,
        "video" => MessageKind.Video,
        "audio" => MessageKind.Audio,
        _ => MessageKind.Document,
    };

    private sealed record TwilioMedia(string Url, string? ContentType);
}
