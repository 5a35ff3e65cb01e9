using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Timers;

/// <summary>
/// When a time trigger of a flow fires next: one row per (flow, trigger node, contact) for idle and service-window
/// triggers (armed and re-armed by the contact's messages), one per (flow, node) for schedules. The row's
/// <see cref="EventId"/> is the trigger's event id, new at every arming, so an arming starts the flow at most once.
/// </summary>
public sealed class FlowTriggerTimer
{
    public required string FlowId { get; init; }
    public required string NodeId { get; init; }

    /// <summary>The contact id as text, or empty for a schedule (part of the key, so never null).</summary>
    public required string SubjectKey { get; init; }
    public TimeTriggerKind Kind { get; set; }
    public Guid? ContactId { get; init; }

    /// <summary>The published version that armed it (informational; it fires on the flow's current version).</summary>
    public int Version { get; set; }
    public Guid EventId { get; set; }
    public DateTime DueAt { get; set; }

    /// <summary>What the flow sees as <c>trigger.*</c>: <c>{ channel, lastCustomerMessageAt, closesAt? }</c>.</summary>
    public string? Payload { get; set; }

    /// <summary>The customer message that armed it, and when it was sent: firing checks nothing newer came since.</summary>
    public Guid? MessageId { get; set; }
    public DateTime? MessageSentAt { get; set; }
    public string? Channel { get; set; }

    public DateTime? FiringUntil { get; set; }
    public Guid? FiringBy { get; set; }
}

public enum TimeTriggerKind { ConversationIdle, WindowClosing, WindowClosed, Schedule }

internal sealed class FlowTriggerTimerConfiguration : IEntityTypeConfiguration<FlowTriggerTimer>
{
    public void Configure(EntityTypeBuilder<FlowTriggerTimer> builder)
    {
        builder.ToTable("FlowTriggerTimers");
        builder.HasKey(t => new { t.FlowId, t.NodeId, t.SubjectKey });
        builder.Property(t => t.FlowId).HasMaxLength(100);
        builder.Property(t => t.NodeId).HasMaxLength(100);
        builder.Property(t => t.SubjectKey).HasMaxLength(64);
        builder.Property(t => t.Channel).HasMaxLength(32);
        builder.HasIndex(t => t.EventId).IsUnique();
        builder.HasIndex(t => t.DueAt);
        builder.HasIndex(t => new { t.FiringUntil, t.DueAt });
        builder.HasIndex(t => t.FiringBy).HasFilter(IndexFilters.NotNull(nameof(FlowTriggerTimer.FiringBy))); // a timer job reads its claim
        builder.HasIndex(t => t.ContactId); // erasing a contact deletes its rows (re-arming updates a row, never its contact)
    }
}
