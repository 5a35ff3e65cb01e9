using System.Text.Json.Serialization;
using Omnichannel.Flows.Engine;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// One bulk send: who gets it (<see cref="Definition"/>: audience, channel priority, what to send per channel, quiet hours),
/// when, and how far it got. The audience is snapshotted into <see cref="BroadcastRecipient"/> rows when it starts; the
/// runner that sends holds a lease on it (<see cref="LeaseToken"/>), so only one runner sends a broadcast at a time.
/// </summary>
public sealed class Broadcast
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public required string Name { get; set; }
    public MessagePurpose Purpose { get; set; }
    public BroadcastState State { get; set; } = BroadcastState.Draft;

    /// <summary>The <see cref="BroadcastDefinition"/> as JSON.</summary>
    public string Definition { get; set; } = "{}";

    /// <summary>When sending starts (set when it is scheduled; "now" is the moment it was scheduled).</summary>
    public DateTime? ScheduledAt { get; set; }

    /// <summary>The estimate's total the marketer confirmed when scheduling, in millionths of <see cref="ConfirmedCurrency"/>.</summary>
    public long? ConfirmedCostMicros { get; set; }
    public string? ConfirmedCurrency { get; set; }

    public DateTime? StartedAt { get; set; }

    /// <summary>Set when every audience member has its recipient row; until then the runner snapshots first.</summary>
    public DateTime? SnapshotCompletedAt { get; set; }
    public int RecipientCount { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime? CancelledAt { get; set; }

    /// <summary>Why a running broadcast sends nothing right now (<see cref="BroadcastWaits"/>) and until when.</summary>
    public string? WaitingReason { get; set; }
    public DateTime? WaitingUntil { get; set; }

    public Guid? LeaseToken { get; set; }

    /// <summary>The app instance that holds the lease (<see cref="BroadcastInstance"/>).</summary>
    public string? LeaseInstance { get; set; }
    public DateTime? LeaseUntil { get; set; }

    public DateTime? LastTestSentAt { get; set; }
    public string? CreatedByUserId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<BroadcastState>))]
public enum BroadcastState
{
    [JsonStringEnumMemberName("draft")] Draft,
    [JsonStringEnumMemberName("scheduled")] Scheduled,
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("paused")] Paused,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
}

/// <summary>What a message is for, as consent distinguishes it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MessagePurpose>))]
public enum MessagePurpose
{
    [JsonStringEnumMemberName("marketing")] Marketing,
    [JsonStringEnumMemberName("transactional")] Transactional,
}

/// <summary>Why a running broadcast waits.</summary>
public static class BroadcastWaits
{
    /// <summary>Every remaining recipient is in quiet hours where they are.</summary>
    public const string QuietHours = "quiet_hours";

    /// <summary>The WhatsApp messaging limit (unique recipients outside a service window per rolling 24 h) is reached.</summary>
    public const string MessagingLimit = "messaging_limit";

    /// <summary>The provider asked us to slow down; the remaining recipients are tried again later.</summary>
    public const string Retrying = "retrying";
}
