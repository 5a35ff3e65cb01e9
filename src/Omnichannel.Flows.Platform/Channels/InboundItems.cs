using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Channels;

/// <summary>What a provider delivery means, channel-neutral.</summary>
public abstract record InboundItem;

/// <summary>
/// A message in the customer's thread. Usually from the customer; <see cref="MessageDirection.Outbound"/> for
/// echoes of messages the business sent outside this app (Messenger/Instagram).
/// </summary>
public sealed record InboundMessage : InboundItem
{
    public required string ExternalId { get; init; }
    public required CustomerIdentity Customer { get; init; }
    public required DateTime SentAt { get; init; }
    public MessageDirection Direction { get; init; } = MessageDirection.Inbound;
    public MessageKind Kind { get; init; } = MessageKind.Text;
    public string? Text { get; init; }

    /// <summary>Media / interactive / location details, as JSON.</summary>
    public string? Details { get; init; }

    /// <summary>Our own message id when the provider echoes it back (Messenger metadata).</summary>
    public Guid? CorrelationId { get; init; }

    /// <summary>The provider id of the message this one answers or reacts to (Messenger/Instagram <c>reply_to.mid</c>).</summary>
    public string? ReplyToExternalId { get; init; }

    public string? EmailSubject { get; init; }
    public string? EmailMessageId { get; init; }
    public string? EmailInReplyTo { get; init; }
    public IReadOnlyList<string> EmailReferences { get; init; } = [];

    /// <summary>The conversation started from a free entry point (click-to-WhatsApp ad, page button).</summary>
    public bool FromFreeEntryPoint { get; init; }
}

/// <summary>
/// Who wrote, as the channel knows them. <see cref="ProvenPhone"/> and <see cref="ProvenEmail"/> are set only where the
/// channel itself proves ownership (a WhatsApp/SMS sender, an email's sender, a Telegram contact the user shared).
/// </summary>
public sealed record CustomerIdentity(string ExternalId)
{
    public string? DisplayName { get; init; }
    public string? FirstName { get; init; }
    public string? LastName { get; init; }
    public string? Handle { get; init; }
    public string? ProvenPhone { get; init; }
    public string? ProvenEmail { get; init; }

    /// <summary>Other ids the same person has on this channel (a WhatsApp business-scoped user id next to the wa_id).</summary>
    public IReadOnlyList<string> AlternateIds { get; init; } = [];
}

/// <summary>A provider's word on a message we sent.</summary>
public sealed record InboundStatus : InboundItem
{
    public required string ExternalId { get; init; }
    public required DeliveryStatus Status { get; init; }
    public required DateTime OccurredAt { get; init; }

    /// <summary>Our message id, when the provider carries it back (WhatsApp biz_opaque_callback_data, Twilio callback URL).</summary>
    public Guid? CorrelationId { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorReason { get; init; }
    public string? PricingCategory { get; init; }
    public bool? PricingBillable { get; init; }
    public string? PricingType { get; init; }
}

/// <summary>
/// The customer has read what we sent them on this channel: everything sent at or before <see cref="ReadUpTo"/>
/// (Messenger's read watermark), or up to the message <see cref="UpToExternalId"/> (Instagram's seen event).
/// </summary>
public sealed record InboundReadWatermark : InboundItem
{
    public required string CustomerExternalId { get; init; }
    public DateTime? ReadUpTo { get; init; }
    public string? UpToExternalId { get; init; }
    public required DateTime OccurredAt { get; init; }
}

/// <summary>Meta's word on a WhatsApp message template, identified by Meta's id, else by name and language.</summary>
public abstract record InboundTemplateChange : InboundItem
{
    public string? TemplateExternalId { get; init; }
    public string? Name { get; init; }
    public string? Language { get; init; }
}

/// <summary>The template was approved, rejected, paused, disabled… (<c>message_template_status_update</c>).</summary>
public sealed record InboundTemplateStatus : InboundTemplateChange
{
    public required TemplateStatus Status { get; init; }
    public string? Reason { get; init; }
    public TemplateCategory? Category { get; init; }
}

/// <summary>The template's category was changed (<c>template_category_update</c>).</summary>
public sealed record InboundTemplateCategory : InboundTemplateChange
{
    public required TemplateCategory Category { get; init; }
}

/// <summary>The template's quality rating changed (<c>message_template_quality_update</c>).</summary>
public sealed record InboundTemplateQuality : InboundTemplateChange
{
    public required TemplateQuality Quality { get; init; }
}
