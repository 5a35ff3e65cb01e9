using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation;

/// <summary>
/// Something happened that flows may start on (a customer wrote, a tag was added, a send failed…). Written in the same
/// transaction as the change itself, so no trigger is ever lost or raised for a change that did not commit; dispatched
/// to flows afterwards. Its id is the trigger's event id: a flow starts at most once per event.
/// </summary>
public sealed class AutomationEvent
{
    public Guid Id { get; init; } = OrderedGuid.NewId();

    /// <summary>One of <see cref="AutomationEventTypes"/>.</summary>
    public required string Type { get; init; }
    public Guid? ContactId { get; init; }

    /// <summary>What the trigger and the flow see as <c>trigger.*</c>, as JSON.</summary>
    public string? Payload { get; init; }

    /// <summary>Raised by a flow's own action: flows do not start on it unless they opt in (no loops).</summary>
    public bool CausedByAutomation { get; init; }
    public DateTime OccurredAt { get; init; }

    public AutomationEventState State { get; set; }
    public int Attempts { get; set; }
    public DateTime? LockedUntil { get; set; }
    public Guid? LockedBy { get; set; }
    /// <summary>When it was settled, dispatched or failed for good; null while pending (claims go by this, not by <see cref="State"/>).</summary>
    public DateTime? DispatchedAt { get; set; }
    public string? Error { get; set; }
}

public enum AutomationEventState { Pending, Dispatched, Failed }

/// <summary>The event types flows can start on. Payload fields are camelCase JSON.</summary>
public static class AutomationEventTypes
{
    /// <summary>A customer message was stored: <c>{ messageId, channel, text, kind, sentAt, firstMessage }</c>.</summary>
    public const string MessageReceived = "message.received";

    /// <summary>A profile was created (by a first message, the API, an import): <c>{ channel? }</c>.</summary>
    public const string ContactCreated = "contact.created";

    /// <summary><c>{ tag }</c>.</summary>
    public const string TagAdded = "tag.added";

    /// <summary><c>{ tag }</c>.</summary>
    public const string TagRemoved = "tag.removed";

    /// <summary>A send failed for good: <c>{ messageId, channel, code, reason }</c> (<c>code</c> e.g. <c>window_closed</c>).</summary>
    public const string SendFailed = "send.failed";
}

internal sealed class AutomationEventConfiguration : IEntityTypeConfiguration<AutomationEvent>
{
    public void Configure(EntityTypeBuilder<AutomationEvent> builder)
    {
        builder.Property(e => e.Type).HasMaxLength(64);
        builder.Property(e => e.Error).HasMaxLength(2000);
        // The claim (pending, oldest first) and retention (done, older than) read through it.
        builder.HasIndex(e => new { e.State, e.OccurredAt });
        // Erasing a contact deletes their events (a message's text is in its payload). Every customer message inserts
        // one: this is one more index to write to for each, where nothing else looks events up by contact.
        builder.HasIndex(e => e.ContactId);
    }
}
