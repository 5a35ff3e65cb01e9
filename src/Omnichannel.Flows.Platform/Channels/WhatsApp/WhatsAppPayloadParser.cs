using System.Text.Json;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Channels.WhatsApp;

/// <summary>
/// Reads a Cloud API webhook (<c>whatsapp_business_account</c> envelope, <c>messages</c> field) into messages and
/// statuses. Unknown message types are kept as <see cref="MessageKind.Unsupported"/> with their raw JSON.
/// </summary>
public sealed class WhatsAppPayloadParser(PhoneNumberNormalizer phoneNumbers)
{
    public IReadOnlyList<InboundItem> Parse(byte[] body)
    {
        using var document = JsonPayload.ParseObject(body);
        var items = new List<InboundItem>();
        var entryIndex = 0;
        foreach (var entry in document.RootElement.Array("entry"))
        {
            var changeIndex = 0;
            foreach (var change in entry.Array("changes"))
            {
                if (change.String("field") == "messages" && change.Object("value") is { } value)
                {
                    var pointer = $"/entry/{entryIndex}/changes/{changeIndex}/value";
                    items.AddRange(ReadMessages(value, pointer));
                    items.AddRange(ReadStatuses(value, pointer));
                }
                else if (WhatsAppTemplateWebhook.Read(change.String("field"), change.Object("value")) is { } template)
                {
                    items.Add(template);
                }

                changeIndex++;
            }

            entryIndex++;
        }

        return items;
    }

    private IEnumerable<InboundItem> ReadMessages(JsonElement value, string pointer)
    {
        var contacts = value.Array("contacts").ToList();
        var index = 0;
        foreach (var message in value.Array("messages"))
        {
            var at = $"{pointer}/messages/{index++}";
            var id = message.String("id") ?? throw new InboundPayloadException("A message has no id.", $"{at}/id");
            var waId = message.String("from");
            var contact = contacts.FirstOrDefault(c => !string.IsNullOrEmpty(waId) && c.String("wa_id") == waId);
            if (contact.ValueKind == JsonValueKind.Undefined && contacts.Count == 1)
            {
                contact = contacts[0];
            }

            var userId = message.String("from_user_id") ?? contact.String("user_id");
            if (string.IsNullOrEmpty(waId) && string.IsNullOrEmpty(userId))
            {
                throw new InboundPayloadException("A message has neither 'from' nor a user id.", $"{at}/from");
            }

            var customer = new CustomerIdentity(string.IsNullOrEmpty(waId) ? userId! : waId)
            {
                DisplayName = contact.Object("profile")?.String("name"),
                ProvenPhone = phoneNumbers.FromWhatsAppId(waId),
                AlternateIds = !string.IsNullOrEmpty(waId) && !string.IsNullOrEmpty(userId) ? [userId] : [],
            };
            var (kind, text, details) = ReadContent(message);
            yield return new InboundMessage
            {
                ExternalId = id,
                Customer = customer,
                SentAt = UnixSeconds(message, "timestamp", at),
                Kind = kind,
                Text = text,
                Details = details,
                FromFreeEntryPoint = message.Object("referral") is not null,
            };
        }
    }

    private static IEnumerable<InboundItem> ReadStatuses(JsonElement value, string pointer)
    {
        var index = 0;
        foreach (var status in value.Array("statuses"))
        {
            var at = $"{pointer}/statuses/{index++}";
            var deliveryStatus = status.String("status") switch
            {
                "sent" => DeliveryStatus.Sent,
                "delivered" => DeliveryStatus.Delivered,
                "read" => DeliveryStatus.Read,
                "failed" => DeliveryStatus.Failed,
                _ => (DeliveryStatus?)null,
            };
            if (deliveryStatus is null)
            {
                continue;
            }

            var error = status.Array("errors").FirstOrDefault();
            var pricing = status.Object("pricing");
            yield return new InboundStatus
            {
                ExternalId = status.String("id") ?? throw new InboundPayloadException("A status has no id.", $"{at}/id"),
                Status = deliveryStatus.Value,
                OccurredAt = UnixSeconds(status, "timestamp", at),
                CorrelationId = Guid.TryParse(status.String("biz_opaque_callback_data"), out var correlation) ? correlation : null,
                ErrorCode = error.Int64("code")?.ToString(),
                ErrorReason = ErrorReason(error),
                PricingCategory = pricing?.String("category"),
                PricingBillable = pricing?.Boolean("billable"),
                PricingType = pricing?.String("type"),
            };
        }
    }

    private static (MessageKind Kind, string? Text, string? Details) ReadContent(JsonElement message)
    {
        var type = message.String("type");
        var part = type is null ? null : message.Object(type);
        return type switch
        {
            "text" => (MessageKind.Text, part?.String("body"), null),
            "image" or "video" or "audio" or "document" or "sticker" => (KindOf(type), part?.String("caption"), Raw(part)),
            "location" => (MessageKind.Location, part?.String("name") ?? part?.String("address"), Raw(part)),
            "interactive" => (MessageKind.Interactive, InteractiveTitle(part), Raw(part)),
            "button" => (MessageKind.Button, part?.String("text"), Raw(part)),
            "reaction" => (MessageKind.Reaction, part?.String("emoji"), Raw(part)),
            "contacts" => (MessageKind.Contacts, null, message.TryGetProperty("contacts", out var shared) ? shared.GetRawText() : null),
            _ => (MessageKind.Unsupported, null, message.GetRawText()),
        };
    }

    private static MessageKind KindOf(string type) => type switch
    {
        "image" => MessageKind.Image,
        "video" => MessageKind.Video,
        "audio" => MessageKind.Audio,
        "sticker" => MessageKind.Sticker,
        _ => MessageKind.Document,
    };

    private static string? InteractiveTitle(JsonElement? interactive) =>
        interactive?.Object("button_reply")?.String("title") ?? interactive?.Object("list_reply")?.String("title");

    private static string? Raw(JsonElement? part) => part?.GetRawText();

    private static string? ErrorReason(JsonElement error)
    {
        if (error.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var details = error.Object("error_data")?.String("details");
        var title = error.String("title") ?? error.String("message");
        return details is null ? title : $"{title}: {details}";
    }

    private static DateTime UnixSeconds(JsonElement element, string property, string pointer) =>
        element.Int64(property) is { } seconds
            ? DateTime.UnixEpoch.AddSeconds(seconds)
            : throw new InboundPayloadException($"'{property}' must be unix seconds.", $"{pointer}/{property}");
}
