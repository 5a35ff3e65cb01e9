using System.Text.Json.Serialization;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// One message in a customer's thread, either way. Outbound messages double as the outbox: they are stored
/// <see cref="DeliveryStatus.Queued"/> and moved along by the dispatcher and the provider's status webhooks.
/// </summary>
public sealed class Message
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid ContactId { get; set; }
    public ChannelKind Channel { get; init; }
    public Guid? ChannelIdentityId { get; set; }
    public MessageDirection Direction { get; init; }
    public MessageOrigin Origin { get; init; }
    public string? AuthorUserId { get; init; }
    public string? AuthorName { get; init; }

    public MessageKind Kind { get; init; } = MessageKind.Text;
    public string? Text { get; init; }

    /// <summary>Media and interactive details as JSON (media id, mime type, caption, button payload…).</summary>
    public string? Details { get; init; }

    /// <summary>The provider's id (wamid, mid, MessageSid, chat:message for Telegram).</summary>
    public string? ExternalId { get; set; }

    /// <summary>When the message was sent: the provider's timestamp for inbound, the provider's acceptance for outbound.</summary>
    public DateTime SentAt { get; set; }
    public DateTime CreatedAt { get; init; }

    public DeliveryStatus Status { get; set; }
    public DateTime StatusAt { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorReason { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }

    /// <summary>True when the channel ran in sandbox mode: nothing left the building.</summary>
    public bool IsSandbox { get; set; }

    public string? EmailSubject { get; init; }
    public string? EmailMessageId { get; set; }
    public string? EmailInReplyTo { get; init; }
    public Guid? ReplyToMessageId { get; set; }

    /// <summary>The provider tag the send needs (Messenger/Instagram <c>HUMAN_AGENT</c> after the 24 h window).</summary>
    public string? ProviderTag { get; init; }

    /// <summary>The WhatsApp template this message was sent from, with the category it was sent (and priced) under.</summary>
    public string? TemplateName { get; init; }
    public string? TemplateLanguage { get; init; }
    public Templates.TemplateCategory? TemplateCategory { get; init; }

    /// <summary>What the send was expected to cost before it went, and what it cost after the provider reported it, in
    /// millionths of <see cref="CostCurrency"/> (rates are fractions of a cent).</summary>
    public long? CostEstimateMicros { get; set; }
    public long? CostActualMicros { get; set; }
    public string? CostCurrency { get; set; }

    /// <summary>The pricing market of the recipient (<c>Germany</c>, <c>Rest of Western Europe</c>).</summary>
    public string? CostMarket { get; set; }

    /// <summary>What the provider said it billed (WhatsApp status pricing).</summary>
    public string? PricingCategory { get; set; }
    public bool? PricingBillable { get; set; }
    public string? PricingType { get; set; }

    public Guid? InboundEventId { get; init; }

    /// <summary>The key of the request that queued it (a flow step's): unique, so a repeated request queues nothing new.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The broadcast that sent this message (its recipient row has the message's id); null for other messages.</summary>
    public Guid? BroadcastId { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<MessageDirection>))]
public enum MessageDirection
{
    [JsonStringEnumMemberName("inbound")] Inbound,
    [JsonStringEnumMemberName("outbound")] Outbound,
}

[JsonConverter(typeof(JsonStringEnumConverter<MessageOrigin>))]
public enum MessageOrigin
{
    [JsonStringEnumMemberName("customer")] Customer,
    [JsonStringEnumMemberName("agent")] Agent,
    [JsonStringEnumMemberName("automation")] Automation,
    [JsonStringEnumMemberName("broadcast")] Broadcast,
    [JsonStringEnumMemberName("system")] System,
}

[JsonConverter(typeof(JsonStringEnumConverter<MessageKind>))]
public enum MessageKind
{
    [JsonStringEnumMemberName("text")] Text,
    [JsonStringEnumMemberName("image")] Image,
    [JsonStringEnumMemberName("video")] Video,
    [JsonStringEnumMemberName("audio")] Audio,
    [JsonStringEnumMemberName("document")] Document,
    [JsonStringEnumMemberName("sticker")] Sticker,
    [JsonStringEnumMemberName("location")] Location,
    [JsonStringEnumMemberName("contacts")] Contacts,
    [JsonStringEnumMemberName("interactive")] Interactive,
    [JsonStringEnumMemberName("button")] Button,
    [JsonStringEnumMemberName("reaction")] Reaction,
    [JsonStringEnumMemberName("template")] Template,
    [JsonStringEnumMemberName("email")] Email,
    [JsonStringEnumMemberName("unsupported")] Unsupported,
}

/// <summary>Where a message is on its way. Inbound messages are <see cref="Received"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeliveryStatus>))]
public enum DeliveryStatus
{
    [JsonStringEnumMemberName("received")] Received,
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("sending")] Sending,
    [JsonStringEnumMemberName("unknown")] Unknown,
    [JsonStringEnumMemberName("sent")] Sent,
    [JsonStringEnumMemberName("delivered")] Delivered,
    [JsonStringEnumMemberName("read")] Read,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>A provider status that arrived before we knew which message it is about (before the send's answer).</summary>
public sealed class PendingDeliveryStatus
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public ChannelKind Channel { get; init; }
    public required string ExternalId { get; init; }
    public DeliveryStatus Status { get; init; }
    public DateTime OccurredAt { get; init; }
    public DateTime ReceivedAt { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorReason { get; init; }
    public string? PricingCategory { get; init; }
    public bool? PricingBillable { get; init; }
    public string? PricingType { get; init; }
}
