using System.Text.Json;
using Omnichannel.Flows.Platform.Conversations;

namespace Omnichannel.Flows.Platform.Channels.Meta;

/// <summary>
/// Reads a Messenger (<c>object: "page"</c>) or Instagram (<c>object: "instagram"</c>) webhook. Each
/// <c>entry[].messaging[]</c> item is a message from the customer, the echo of one the business sent (stored outbound),
/// a postback, a reaction, delivery statuses or a read watermark. Timestamps are unix milliseconds; the customer is known
/// only by a page/app-scoped id (PSID/IGSID). Items of other kinds (opt-ins, referrals, handovers, edits…) are skipped.
/// </summary>
public sealed class MetaMessagingParser
{
    public IReadOnlyList<InboundItem> Parse(byte[] body)
    {
        using var document = JsonPayload.ParseObject(body);
        var items = new List<InboundItem>();
        var entryIndex = 0;
        foreach (var entry in document.RootElement.Array("entry"))
        {
            var index = 0;
            foreach (var item in entry.Array("messaging"))
            {
                items.AddRange(Read(item, $"/entry/{entryIndex}/messaging/{index++}"));
            }

            entryIndex++;
        }

        return items;
    }

    private static IEnumerable<InboundItem> Read(JsonElement item, string at)
    {
        if (item.Object("message") is { } message)
        {
            // An unsent (deleted) Instagram message carries nothing to show.
            return message.Boolean("is_deleted") == true ? [] : [ReadMessage(item, message, at)];
        }

        if (item.Object("postback") is { } postback)
        {
            return [ReadPostback(item, postback, at)];
        }

        if (item.Object("reaction") is { } reaction)
        {
            return [ReadReaction(item, reaction, at)];
        }

        if (item.Object("delivery") is { } delivery)
        {
            return ReadDelivery(item, delivery, at);
        }

        return item.Object("read") is { } read ? [ReadWatermark(item, read, at)] : [];
    }

    private static InboundMessage ReadMessage(JsonElement item, JsonElement message, string at)
    {
        var mid = message.String("mid") ?? throw new InboundPayloadException("A message has no mid.", $"{at}/message/mid");
        var echo = message.Boolean("is_echo") == true;
        var content = MetaMessageContent.Read(message);
        return new InboundMessage
        {
            ExternalId = mid,
            // An echo is what the page sent: the customer is its recipient.
            Customer = new CustomerIdentity(Id(item, echo ? "recipient" : "sender", at)),
            SentAt = Timestamp(item, at),
            Direction = echo ? MessageDirection.Outbound : MessageDirection.Inbound,
            Kind = content.Kind,
            Text = content.Text,
            Details = content.Details,
            CorrelationId = echo && Guid.TryParse(message.String("metadata"), out var own) ? own : null,
            ReplyToExternalId = message.Object("reply_to")?.String("mid"),
            FromFreeEntryPoint = message.Object("referral") is not null,
        };
    }

    private static InboundMessage ReadPostback(JsonElement item, JsonElement postback, string at)
    {
        var sender = Id(item, "sender", at);
        var sentAt = Timestamp(item, at);
        return new InboundMessage
        {
            // Postbacks carry a mid since Graph v11; older ones are identified by who clicked when.
            ExternalId = postback.String("mid") ?? $"postback:{sender}:{UnixMilliseconds(sentAt)}",
            Customer = new CustomerIdentity(sender),
            SentAt = sentAt,
            Kind = MessageKind.Interactive,
            Text = postback.String("title") ?? postback.String("payload"),
            Details = postback.GetRawText(),
            FromFreeEntryPoint = postback.Object("referral") is not null,
        };
    }

    private static InboundMessage ReadReaction(JsonElement item, JsonElement reaction, string at)
    {
        var sender = Id(item, "sender", at);
        var sentAt = Timestamp(item, at);
        return new InboundMessage
        {
            // A reaction has no id of its own: who reacted when identifies it, so a redelivery is stored once.
            ExternalId = $"reaction:{sender}:{UnixMilliseconds(sentAt)}",
            Customer = new CustomerIdentity(sender),
            SentAt = sentAt,
            Kind = MessageKind.Reaction,
            Text = reaction.String("action") == "unreact" ? null : reaction.String("emoji") ?? reaction.String("reaction"),
            Details = reaction.GetRawText(),
            ReplyToExternalId = reaction.String("mid"),
        };
    }

    private static IEnumerable<InboundItem> ReadDelivery(JsonElement item, JsonElement delivery, string at)
    {
        var occurredAt = delivery.Int64("watermark") is { } watermark ? DateTime.UnixEpoch.AddMilliseconds(watermark) : Timestamp(item, at);
        return delivery.Array("mids")
            .Where(mid => mid.ValueKind == JsonValueKind.String)
            .Select(mid => new InboundStatus { ExternalId = mid.GetString()!, Status = DeliveryStatus.Delivered, OccurredAt = occurredAt })
            .ToList();
    }

    private static InboundReadWatermark ReadWatermark(JsonElement item, JsonElement read, string at)
    {
        var watermark = read.Int64("watermark");
        var mid = read.String("mid");
        if (watermark is null && mid is null)
        {
            throw new InboundPayloadException("'read' has neither a watermark nor a mid.", $"{at}/read");
        }

        return new InboundReadWatermark
        {
            CustomerExternalId = Id(item, "sender", at),
            ReadUpTo = watermark is { } ms ? DateTime.UnixEpoch.AddMilliseconds(ms) : null,
            UpToExternalId = mid,
            OccurredAt = Timestamp(item, at),
        };
    }

    private static string Id(JsonElement item, string role, string at) =>
        item.Object(role)?.String("id") is { Length: > 0 } id
            ? id
            : throw new InboundPayloadException($"'{role}.id' is missing.", $"{at}/{role}/id");

    private static DateTime Timestamp(JsonElement item, string at) =>
        item.Int64("timestamp") is { } milliseconds
            ? DateTime.UnixEpoch.AddMilliseconds(milliseconds)
            : throw new InboundPayloadException("'timestamp' must be unix milliseconds.", $"{at}/timestamp");

    private static long UnixMilliseconds(DateTime instant) => (long)(instant - DateTime.UnixEpoch).TotalMilliseconds;
}
