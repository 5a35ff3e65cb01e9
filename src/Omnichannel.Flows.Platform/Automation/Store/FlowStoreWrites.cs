using System.Collections.Frozen;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Store;

/// <summary>
/// One write of <see cref="FlowStoreWriter"/>: its rows are built by the caller that queues it (<see cref="Prepare"/>,
/// in parallel with other callers, where on the writer's one thread serializing snapshots would hold up every commit),
/// then applied inside the batch's transaction (re-runnable: a failed batch rolls back).
/// </summary>
internal abstract class StoreWrite
{
    public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public abstract string? InstanceId { get; }

    /// <summary>Builds the rows to write; called once, by the caller, before the write is queued.</summary>
    public abstract void Prepare();

    public abstract Task<object?> ApplyAsync(FlowStoreCommands sql, CancellationToken cancellationToken);
}

internal abstract class StoreWrite<T> : StoreWrite;

/// <summary>
/// The rows of consecutive steps of one run: the run's row with the last snapshot, then each step's bookmark changes and
/// journal entry, in order. A step's rows are built by the caller that queues it; the run's row (the snapshot) is
/// serialized when first asked for, so the snapshot of a step written together with a later one is never serialized.
/// </summary>
internal sealed class StepRows
{
    private readonly FlowInstance last;
    private FlowInstanceRecord? run;

    public StepRows(FlowCheckpoint step)
        : this(step.Instance, step.Instance.Sequence, [(step.RemovedBookmarks, [.. step.AddedBookmarks.Select(FlowSnapshots.ToRecord)])],
            [FlowSnapshots.ToRecord(step.Step)])
    {
    }

    private StepRows(
        FlowInstance last, long firstSequence, List<(IReadOnlyList<Bookmark> Removed, List<FlowBookmarkRecord> Added)> steps, List<FlowJournalRecord> journal)
    {
        this.last = last;
        FirstSequence = firstSequence;
        Steps = steps;
        Journal = journal;
    }

    /// <summary>Consecutive steps of one run written as one: the last one's run row, every step's bookmarks and journal.</summary>
    public static StepRows Together(IReadOnlyList<StepRows> steps) =>
        new(steps[^1].last, steps[0].FirstSequence, [.. steps.SelectMany(s => s.Steps)], [.. steps.SelectMany(s => s.Journal)]) { run = steps[^1].run };

    /// <summary>The run's row as of the last step (its snapshot serialized on first use).</summary>
    public FlowInstanceRecord Run => run ??= new FlowInstanceRecord
    {
        Id = last.Id,
        FlowId = last.FlowId,
        TriggerEventId = last.TriggerEventId,
        Snapshot = FlowSnapshots.Serialize(last),
        Status = last.Status,
        Sequence = last.Sequence,
        Error = FlowSnapshots.Truncate(last.Fault?.Message),
        UpdatedAt = last.UpdatedAt.UtcDateTime,
    };

    /// <summary>The sequence of the first step: the stored run is one before it when a resume consumes.</summary>
    public long FirstSequence { get; }

    /// <summary>Each step's bookmark changes, in order.</summary>
    public List<(IReadOnlyList<Bookmark> Removed, List<FlowBookmarkRecord> Added)> Steps { get; }

    /// <summary>Each step's journal entry, in order (inserted together after the bookmark changes).</summary>
    public List<FlowJournalRecord> Journal { get; }
}

/// <summary>A step: the new snapshot, its journal entry and bookmark changes — dropped if the instance is stored as cancelled.</summary>
internal sealed class CheckpointWrite(FlowCheckpoint checkpoint, bool awaited) : StoreWrite<bool>
{
    private StepRows? rows;

    /// <summary>The step's rows (<see cref="Prepare"/> first).</summary>
    public StepRows Rows => rows ?? throw new InvalidOperationException("Prepare the write first.");

    public FlowCheckpoint Checkpoint { get; } = checkpoint;

    /// <summary>False for an appended step nobody waits for.</summary>
    public bool Awaited { get; } = awaited;

    public override string InstanceId => Checkpoint.Instance.Id;

    /// <summary>
    /// An awaited step ends its runner call, so it is the last of its run in its batch: its snapshot is serialized now. An
    /// appended one is serialized by the writer only if no later step of its run is written with it.
    /// </summary>
    public override void Prepare()
    {
        rows = new StepRows(Checkpoint);
        if (Awaited)
        {
            _ = rows.Run;
        }
    }

    public override async Task<object?> ApplyAsync(FlowStoreCommands sql, CancellationToken cancellationToken) =>
        await ApplyAsync(sql, Rows, cancellationToken);

    /// <summary>
    /// Applies consecutive steps of one instance: the row takes the last snapshot (one update however many steps), then
    /// every step's bookmark changes and journal entry go in, in order. Nothing is written if the instance is cancelled.
    /// </summary>
    /// <returns>False when the instance is cancelled (or unknown, or not at <paramref name="consumed"/>'s step) and nothing was written.</returns>
    /// <param name="consumed">
    /// For a resume: the bookmark it consumes. The row must still be at the step before (the snapshot the resume was
    /// computed from is the stored one), and then the bookmark's whole group goes with the update.
    /// </param>
    public static async Task<bool> ApplyAsync(FlowStoreCommands sql, StepRows rows, CancellationToken cancellationToken, Bookmark? consumed = null)
    {
        if (await sql.UpdateRunAsync(rows.Run, consumed is null ? null : rows.FirstSequence - 1, cancellationToken) == 0)
        {
            return false;
        }

        if (consumed is not null && await sql.DeleteBookmarkGroupAsync(rows.Run.Id, consumed.GroupId, cancellationToken) == 0)
        {
            // The stored snapshot holds this group, so its rows exist; rolling the batch back keeps the two in step.
            throw new InvalidOperationException($"Flow instance {rows.Run.Id} holds bookmark group {consumed.GroupId}, which has no rows.");
        }

        foreach (var (removed, added) in rows.Steps)
        {
            foreach (var bookmark in removed)
            {
                if (bookmark.GroupId != consumed?.GroupId)
                {
                    await sql.DeleteBookmarksAsync(nameof(FlowBookmarkRecord.Id), bookmark.Id, cancellationToken);
                }
            }

            foreach (var bookmark in added)
            {
                await sql.InsertAsync(bookmark, cancellationToken);
            }
        }

        // The steps' journal entries together: a run's steps are often written several at once.
        await sql.InsertAllAsync(rows.Journal, cancellationToken);
        return true;
    }
}

/// <summary>
/// The conditional consume: only while the run is still at the step the resume was computed from (which holds the
/// bookmark), the bookmark's group goes and the resumed step is saved; otherwise nothing changes.
/// </summary>
internal sealed class ConsumeWrite(Bookmark bookmark, FlowCheckpoint checkpoint) : StoreWrite<bool>
{
    private StepRows? rows;

    public override string InstanceId => checkpoint.Instance.Id;

    public override void Prepare()
    {
        rows = new StepRows(checkpoint);
        _ = rows.Run;
    }

    public override async Task<object?> ApplyAsync(FlowStoreCommands sql, CancellationToken cancellationToken) =>
        await CheckpointWrite.ApplyAsync(sql, rows ?? throw new InvalidOperationException("Prepare the write first."), cancellationToken, consumed: bookmark);
}

/// <summary>
/// The start decision: event seen before → duplicate; else record it; then the flow's concurrency against the
/// subject's active instances (<c>restart</c> cancels them here, journaled); then insert the new instance.
/// </summary>
internal sealed class StartWrite(StartRequest request) : StoreWrite<StartDecision>
{
    private FlowInstanceRecord? run;

    public override string? InstanceId => null;

    public override void Prepare() => run = FlowSnapshots.ToRecord(request.Instance);

    public override async Task<object?> ApplyAsync(FlowStoreCommands sql, CancellationToken cancellationToken)
    {
        var instance = request.Instance;
        var seen = new FlowTriggerEventRecord { FlowId = instance.FlowId, EventId = instance.TriggerEventId, SeenAt = instance.CreatedAt.UtcDateTime };
        if (await sql.InsertUnseenAsync(seen, cancellationToken) == 0)
        {
            return StartDecision.DuplicateEvent;
        }

        // A parallel flow starts whatever runs: reading the subject's active runs (their snapshots) would be wasted, and
        // grows with every run still waiting.
        var active = request.Concurrency == FlowConcurrency.Parallel
            ? []
            : await sql.ActiveRunsAsync(instance.FlowId, instance.SubjectId, cancellationToken);
        if (active.Count > 0 && request.Concurrency == FlowConcurrency.Single)
        {
            // Journaled on the run that made way for nothing, so its history says which trigger it absorbed.
            await sql.InsertAsync(new FlowJournalRecord
            {
                InstanceId = active[0].Id,
                Kind = FlowJournalKind.StartSkipped,
                Sequence = FlowSnapshots.Deserialize(active[0].Snapshot).Sequence,
                At = instance.CreatedAt.UtcDateTime,
                NodeId = instance.TriggerNodeId,
                Outcome = JournalOutcome.Ended,
                Inputs = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["eventId"] = instance.TriggerEventId }),
                Error = $"Skipped a start (event {instance.TriggerEventId}): the flow runs once at a time per contact and this run is active.",
            }, cancellationToken);
            return StartDecision.AlreadyRunning;
        }

        var cancelled = new List<string>();
        if (request.Concurrency == FlowConcurrency.Restart)
        {
            foreach (var running in active)
            {
                var before = FlowSnapshots.Deserialize(running.Snapshot);
                var stopped = before with
                {
                    Status = FlowStatus.Cancelled, Pending = [], Bookmarks = [], Sequence = before.Sequence + 1, UpdatedAt = instance.CreatedAt,
                };
                var entry = new JournalEntry(before.Id, stopped.Sequence, instance.CreatedAt, null, null, 0, 0, false, JournalOutcome.Cancelled,
                    null, FrozenDictionary<string, string>.Empty, $"Restarted: event {instance.TriggerEventId} started instance {instance.Id}.");
                if (await CheckpointWrite.ApplyAsync(sql, new StepRows(new FlowCheckpoint(stopped, entry, [], before.Bookmarks)), cancellationToken))
                {
                    await sql.DeleteBookmarksAsync(nameof(FlowBookmarkRecord.InstanceId), before.Id, cancellationToken);
                    cancelled.Add(before.Id);
                }
            }
        }

        await sql.InsertAsync(run ?? throw new InvalidOperationException("Prepare the write first."), cancellationToken);
        return StartDecision.Start(cancelled);
    }
}
