using System.Text.Json.Serialization;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// One customer of a broadcast's snapshotted audience (unique per broadcast and contact), with the channel chosen for
/// them and the content rendered for them — or skipped, with the reason. Its message, once created, has the
/// recipient's <see cref="Id"/> as its own id: one message per recipient, whatever the attempts.
/// </summary>
public sealed class BroadcastRecipient
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public Guid BroadcastId { get; init; }
    public Guid ContactId { get; init; }
    public ChannelKind? Channel { get; init; }
    public Guid? ChannelIdentityId { get; init; }

    /// <summary>The IANA zone quiet hours are counted in (the contact's, else the configured default).</summary>
    public required string TimeZone { get; init; }
    public RecipientState State { get; set; }

    /// <summary>Why the recipient is skipped (<see cref="SkipReasons"/>).</summary>
    public string? SkipReason { get; set; }

    /// <summary>The text the customer reads (a template's body with its values filled in).</summary>
    public string? Text { get; init; }

    /// <summary>WhatsApp: the template and its values as the outbox sends them (<see cref="OutboundTemplate"/> JSON).</summary>
    public string? Details { get; init; }
    public string? EmailSubject { get; init; }

    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }

    /// <summary>The lease token of the run that claimed the recipient for sending.</summary>
    public Guid? ClaimToken { get; set; }

    /// <summary>When the current attempt started (the recipient was marked sending).</summary>
    public DateTime? SendingAt { get; set; }

    /// <summary>When it was messaged outside a WhatsApp service window: it counts towards the messaging limit for 24 h.</summary>
    public DateTime? OutsideWindowAt { get; set; }
    public string? ErrorCode { get; set; }
    public string? ErrorReason { get; set; }
}

/// <summary>
/// pending → queued (claimed into a chunk, its message created queued) → sending (the provider call may be under way)
/// → sent / failed / unknown. A send interrupted by a crash is unknown and reconciled from status webhooks, never resent.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecipientState>))]
public enum RecipientState
{
    [JsonStringEnumMemberName("pending")] Pending,
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("sending")] Sending,
    [JsonStringEnumMemberName("sent")] Sent,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("unknown")] Unknown,
    [JsonStringEnumMemberName("skipped")] Skipped,
}

public static class SkipReasons
{
    /// <summary>Consent says no on every channel that reaches the customer (or the provider said they stopped these messages).</summary>
    public const string OptedOut = "opted_out";

    /// <summary>No channel of the priority list reaches the customer.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>WhatsApp reaches the customer but the broadcast's template is not approved.</summary>
    public const string NoApprovedTemplate = "no_approved_template";

    /// <summary>A channel with a service window (Messenger, Instagram, TikTok) reaches them, but the window is closed.</summary>
    public const string WindowClosed = "window_closed";

    /// <summary>A variable the message uses has no value for the customer and no fallback.</summary>
    public const string MissingValue = "missing_value";

    /// <summary>The broadcast was cancelled before the recipient's turn.</summary>
    public const string Cancelled = "cancelled";
}
