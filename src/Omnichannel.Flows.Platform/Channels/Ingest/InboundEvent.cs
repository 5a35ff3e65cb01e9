using Omnichannel.Flows.Engine;
namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// A webhook delivery exactly as the provider sent it, stored before we answer 200 so nothing is lost, and
/// processed afterwards by <see cref="InboundEventProcessor"/>. Kept for the configured retention.
/// </summary>
public sealed class InboundEvent
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public ChannelKind Channel { get; init; }

    /// <summary>SHA-256 of the body: a provider's redelivery of the same payload is stored once.</summary>
    public required string DedupeKey { get; init; }
    public string? ContentType { get; init; }
    public required byte[] Payload { get; init; }
    public DateTime ReceivedAt { get; init; }
    public string? TraceParent { get; init; }

    public InboundEventState State { get; set; }
    public int Attempts { get; set; }
    public DateTime? LockedUntil { get; set; }
    public Guid? LockedBy { get; set; }
    /// <summary>When it was settled, processed or failed for good; null while pending (claims go by this, not by <see cref="State"/>).</summary>
    public DateTime? ProcessedAt { get; set; }
    public string? Error { get; set; }
}

public enum InboundEventState { Pending, Processed, Failed }
