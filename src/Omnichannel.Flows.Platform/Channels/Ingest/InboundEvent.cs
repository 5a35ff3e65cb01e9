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

    /// <summary>The body as received: kept in a row of its own (<see cref="Body"/>), loaded with the delivery when asked for.</summary>
    public required byte[] Payload
    {
        get => (Body ?? throw new InvalidOperationException($"Delivery {Id} was read without its body (include {nameof(Body)}).")).Payload;
        init => Body = new InboundEventBody { Payload = value };
    }

    /// <summary>
    /// The body's row. The delivery's row is claimed, marked and retried — rewritten — several times; with the body in it,
    /// each rewrite would copy the body too (a WhatsApp webhook is about 1 KB: three rows to a page instead of about
    /// twenty, and every page a claim or mark touches goes to the log). Deleted with the delivery (cascade).
    /// </summary>
    public InboundEventBody? Body { get; private set; }

    /// <summary>The body's row with this delivery's id, for inserts made without EF (which sets it when the delivery is added).</summary>
    internal InboundEventBody BodyRow() => new() { Id = Id, Payload = Payload };
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

/// <summary>The body of an <see cref="InboundEvent"/>, which shares its id (set when the delivery is added).</summary>
public sealed class InboundEventBody
{
    public Guid Id { get; init; }
    public required byte[] Payload { get; init; }
}
