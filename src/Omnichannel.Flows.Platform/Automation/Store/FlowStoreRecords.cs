using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Store;

/// <summary>
/// One flow run: the engine's snapshot (<see cref="FlowInstance"/> as JSON) plus the columns queries need. Faulted
/// runs stay here with their error (the dead letter) until retried or cancelled.
/// </summary>
public sealed class FlowInstanceRecord
{
    public required string Id { get; init; }
    public required string FlowId { get; init; }
    public int Version { get; init; }

    /// <summary>The contact id (<c>Guid</c> as text), or null for runs about no one (schedules).</summary>
    public string? SubjectId { get; init; }
    public FlowStatus Status { get; set; }
    public required string TriggerEventId { get; init; }
    public required string Snapshot { get; set; }
    public long Sequence { get; set; }

    /// <summary>The fault's message while faulted.</summary>
    public string? Error { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// A durable wait of a run: a timer (indexed <see cref="DueAt"/>) or an event (indexed name + correlation key).
/// Bookmarks created by one step share a <see cref="GroupId"/>; resuming deletes the group conditionally.
/// </summary>
public sealed class FlowBookmarkRecord
{
    public required string Id { get; init; }
    public required string GroupId { get; init; }
    public required string InstanceId { get; init; }
    public required string FlowId { get; init; }
    public required string NodeId { get; init; }
    public long Activation { get; init; }
    public int Attempt { get; init; }
    public BookmarkKind Kind { get; init; }
    public required string Port { get; init; }
    public DateTime? DueAt { get; init; }
    public string? EventName { get; init; }
    public string? CorrelationKey { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>A timer handed to a job until then (a lease: a job lost in a crash is fired again after it).</summary>
    public DateTime? FiringUntil { get; set; }
    public Guid? FiringBy { get; set; }
}

/// <summary>A trigger event a flow has seen: a flow starts at most once per event id.</summary>
public sealed class FlowTriggerEventRecord
{
    public required string FlowId { get; init; }
    public required string EventId { get; init; }
    public DateTime SeenAt { get; init; }
}

/// <summary>One step of a run as the engine journaled it (<see cref="JournalEntry"/>): the run history.</summary>
public sealed class FlowJournalRecord
{
    public Guid Id { get; init; } = Guids.NewVersion7();
    public required string InstanceId { get; init; }
    public FlowJournalKind Kind { get; init; }
    public long Sequence { get; init; }
    public DateTime At { get; init; }
    public string? NodeId { get; init; }
    public string? ActivityType { get; init; }
    public long Activation { get; init; }
    public int Attempt { get; init; }
    public bool Resumed { get; init; }
    public JournalOutcome Outcome { get; init; }
    public string? Port { get; init; }

    /// <summary>The inputs as the activity resolved them, a JSON object of texts.</summary>
    public string? Inputs { get; init; }
    public string? Error { get; init; }
}

/// <summary>What a journal row records: a step of the run, or a start the run's concurrency turned away.</summary>
public enum FlowJournalKind { Step, StartSkipped }

internal sealed class FlowInstanceRecordConfiguration : IEntityTypeConfiguration<FlowInstanceRecord>
{
    /// <summary>
    /// The runs a start's concurrency check looks for (running or suspended), as SQL: the filter of the index that finds
    /// them, which a query uses only when it states the same condition (<see cref="FlowStoreCommands.ActiveRunsAsync"/>).
    /// </summary>
    public const string ActiveRuns = $"\"{nameof(FlowInstanceRecord.Status)}\" IN ('{nameof(FlowStatus.Running)}', '{nameof(FlowStatus.Suspended)}')";

    /// <summary>Runs running now, as SQL: the filter of the index the timer pump finds runs a crash left half-way through.</summary>
    public const string RunningRuns = $"\"{nameof(FlowInstanceRecord.Status)}\" = '{nameof(FlowStatus.Running)}'";

    /// <summary>Faulted runs, as SQL: the filter of the index a flow's dead letter is listed and retried through.</summary>
    public const string FaultedRuns = $"\"{nameof(FlowInstanceRecord.Status)}\" = '{nameof(FlowStatus.Faulted)}'";

    public void Configure(EntityTypeBuilder<FlowInstanceRecord> builder)
    {
        builder.ToTable("FlowInstances");
        builder.Property(i => i.Id).HasMaxLength(64);
        builder.Property(i => i.FlowId).HasMaxLength(100);
        builder.Property(i => i.SubjectId).HasMaxLength(64);
        builder.Property(i => i.TriggerEventId).HasMaxLength(200);
        builder.Property(i => i.Error).HasMaxLength(2000);
        // Active runs only: a run leaves the index when it ends, so it holds what runs now rather than every run kept,
        // and a start's insert and a finish's delete touch a few pages instead of one at random in a history that grows.
        builder.HasIndex(i => new { i.FlowId, i.SubjectId }).HasFilter(ActiveRuns);
        builder.HasIndex(i => new { i.FlowId, i.CreatedAt });
        // A contact's runs, whatever their state: erasing the contact (Contacts/ContactEraser) deletes them. The subject
        // never changes, so only a start writes to it.
        builder.HasIndex(i => i.SubjectId);
        // Running runs only (a crash may have left them half-way): what the timer pump looks for, and a run is in it only
        // between a start or resume and its next wait or end, not for as long as it waits or is kept.
        builder.HasIndex(i => new { i.Status, i.UpdatedAt }).HasFilter(RunningRuns);
        // A flow's dead letter, newest first (FlowRunQueries, FaultedRunRetries): without it, listing the few faulted runs
        // of a busy flow walks all its kept runs through (FlowId, CreatedAt). A run is in it only while faulted.
        builder.HasIndex(i => new { i.FlowId, i.CreatedAt, i.Id }, "IX_FlowInstances_Faulted").HasFilter(FaultedRuns);
    }
}

internal sealed class FlowBookmarkRecordConfiguration : IEntityTypeConfiguration<FlowBookmarkRecord>
{
    public void Configure(EntityTypeBuilder<FlowBookmarkRecord> builder)
    {
        builder.ToTable("FlowBookmarks");
        builder.Property(b => b.Id).HasMaxLength(100);
        builder.Property(b => b.GroupId).HasMaxLength(100);
        builder.Property(b => b.InstanceId).HasMaxLength(64);
        builder.Property(b => b.FlowId).HasMaxLength(100);
        builder.Property(b => b.NodeId).HasMaxLength(100);
        builder.Property(b => b.Port).HasMaxLength(100);
        builder.Property(b => b.EventName).HasMaxLength(100);
        builder.Property(b => b.CorrelationKey).HasMaxLength(200);
        // A run's bookmarks: its waits (the runs API) and the group a resume consumes (a run holds a handful), so groups
        // need no index of their own, which every wait would write and every consume delete from.
        builder.HasIndex(b => b.InstanceId);
        // Waits for an event only (a timer has none): a wait's insert and its consume's delete touch only the indexes
        // that hold it.
        builder.HasIndex(b => new { b.EventName, b.CorrelationKey }).HasFilter(IndexFilters.NotNull(nameof(FlowBookmarkRecord.EventName)));
        // Unclaimed timers by due time, and claims by when their lease ends: the pump's claims and its next wake.
        builder.HasIndex(b => new { b.FiringUntil, b.DueAt });
        builder.HasIndex(b => b.FiringBy).HasFilter(IndexFilters.NotNull(nameof(FlowBookmarkRecord.FiringBy))); // a timer job reads its claim
    }
}

/// <summary>
/// On SQLite the table is <c>WITHOUT ROWID</c> (stored in its key's order), which EF cannot declare: the migration
/// <c>TriggerEventsInKeyOrder</c> creates it by hand, and a later migration that rebuilds the table must declare it again
/// (<c>FlowStoreLayoutTests</c> fails otherwise).
/// </summary>
internal sealed class FlowTriggerEventRecordConfiguration : IEntityTypeConfiguration<FlowTriggerEventRecord>
{
    public void Configure(EntityTypeBuilder<FlowTriggerEventRecord> builder)
    {
        builder.ToTable("FlowTriggerEvents");
        builder.HasKey(e => new { e.FlowId, e.EventId });
        builder.Property(e => e.FlowId).HasMaxLength(100);
        builder.Property(e => e.EventId).HasMaxLength(200);
        // Retention deletes the ids seen before a cutoff (AutomationRetention).
        builder.HasIndex(e => e.SeenAt);
    }
}

/// <summary>
/// The journal is keyed by run, then step (the id only keeps entries of one step apart): a run's entries lie together,
/// read and deleted as a range of the key, with no index besides it. On SQLite the table is <c>WITHOUT ROWID</c> (stored
/// in the key's order: one b-tree written per entry, where rows plus their key's index would be two). EF cannot declare
/// that, so the migration <c>JournalClusteredByRun</c> creates it by hand; a later migration that rebuilds the table
/// must declare it again (<c>FlowStoreLayoutTests</c> fails otherwise).
/// </summary>
internal sealed class FlowJournalRecordConfiguration : IEntityTypeConfiguration<FlowJournalRecord>
{
    public void Configure(EntityTypeBuilder<FlowJournalRecord> builder)
    {
        builder.ToTable("FlowJournal");
        builder.HasKey(j => new { j.InstanceId, j.Sequence, j.Id });
        builder.Property(j => j.InstanceId).HasMaxLength(64);
        builder.Property(j => j.NodeId).HasMaxLength(100);
        builder.Property(j => j.ActivityType).HasMaxLength(100);
        builder.Property(j => j.Port).HasMaxLength(100);
    }
}
