using System.Collections.Immutable;
using System.Text.Json;

namespace Omnichannel.Flows.Engine.Running;

/// <summary>Where an instance is in its life.</summary>
public enum FlowStatus
{
    /// <summary>Has pending work (or is being started).</summary>
    Running,

    /// <summary>Waits on bookmarks only.</summary>
    Suspended,
    Finished,

    /// <summary>A step failed; kept with its error (dead letter) until retried or cancelled.</summary>
    Faulted,
    Cancelled,
}

/// <summary>
/// One run of one flow version for one subject — an immutable snapshot. The runner makes a new snapshot per step and
/// hands it to the store inside a <see cref="FlowCheckpoint"/>, so a store may buffer it safely. Serializes with
/// System.Text.Json as it is.
/// </summary>
public sealed record FlowInstance
{
    public required string Id { get; init; }

    public required string FlowId { get; init; }

    /// <summary>The definition version it started on and stays on.</summary>
    public required int Version { get; init; }

    /// <summary>Whom it runs for (a contact id), or null (e.g. a scheduled flow).</summary>
    public string? SubjectId { get; init; }

    public required string TriggerNodeId { get; init; }

    public required string TriggerEventId { get; init; }

    /// <summary>The trigger event's payload, readable as <c>trigger.*</c>.</summary>
    public JsonElement? Trigger { get; init; }

    public FlowStatus Status { get; init; }

    /// <summary>The flow's variables, readable as <c>flow.*</c>.</summary>
    public ImmutableDictionary<string, JsonElement> Variables { get; init; } = ImmutableDictionary.Create<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>Nodes activated and not yet executed, first one next.</summary>
    public ImmutableArray<WorkItem> Pending { get; init; } = [];

    public ImmutableArray<Bookmark> Bookmarks { get; init; } = [];

    public FlowFault? Fault { get; init; }

    /// <summary>Steps taken so far; the journal's sequence.</summary>
    public long Sequence { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Running or suspended: what <see cref="Definitions.FlowConcurrency"/> counts as "already running".</summary>
    public bool IsActive => Status is FlowStatus.Running or FlowStatus.Suspended;
}

/// <summary>A node activation waiting to run.</summary>
/// <param name="Activation">Which arrival at the node this is (the step that activated it), so loops get fresh keys.</param>
/// <param name="Attempt">1, then +1 per retry.</param>
public readonly record struct WorkItem(string NodeId, long Activation, int Attempt);

/// <summary>Why an instance faulted: the failing step and its error.</summary>
public sealed record FlowFault(string NodeId, long Activation, int Attempt, string Message, DateTimeOffset At);
