using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Store;

/// <summary>One write of <see cref="FlowStoreWriter"/>, applied inside the batch's transaction (and re-runnable: a failed batch rolls back).</summary>
internal abstract class StoreWrite
{
    public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public abstract string? InstanceId { get; }

    public abstract Task<object?> ApplyAsync(FlowStoreCommands sql, CancellationToken cancellationToken);
}

internal abstract class StoreWrite<T> : StoreWrite;

/// <summary>A step: the new snapshot, its journal entry and bookmark changes — dropped if the instance is stored as cancelled.</summary>
internal sealed class CheckpointWrite(FlowCheckpoint checkpoint, bool awaited) : StoreWrite<bool>
{
    public FlowCheckpoint Checkpoint { get; } = checkpoint;

    /// <summary>False for an appended step nobody waits for.</summary>
    public bool Awaited { get; } = awaited;

    public override string InstanceId => Checkpoint.Instance.Id;

    public override async Task<object?> ApplyAsync(FlowStoreCommands sql, CancellationToken cancellationToken) =>
        await ApplyAsync(sql, [Checkpoint], cancellationToken);

    /// <summary>
    /// Applies consecutive steps of one instance: the row takes the last snapshot (one update however many steps), then
    /// every step's bookmark changes and journal entry go in, in order. Nothing is written if the instance is cancelled.
    /// </summary>
    /// <returns>False when the instance is cancelled (or unknown, or not at <paramref name="consumed"/>'s step) and nothing was written.</returns>
    /// <param name="consumed">
    /// For a resume: the bookmark it consumes. The row must still be at the step before (the snapshot the resume was
    /// computed from is the stored one), and then the bookmark's whole group goes with the update.
    /// </param>
    public static async Task<bool> ApplyAsync(
        FlowStoreCommands sql, IReadOnlyList<FlowCheckpoint> steps, CancellationToken cancellationToken, Bookmark? consumed = null)
    {
        var instance = steps[^1].Instance;
        var row = new FlowInstanceRecord
        {
            Id = instance.Id,
            FlowId = instance.FlowId,
            TriggerEventId = instance.TriggerEventId,
            Snapshot = FlowSnapshots.Serialize(instance),
            Status = instance.Status,
            Sequence = instance.Sequence,
            Error = FlowSnapshots.Truncate(instance.Fault?.Message),
            UpdatedAt = instance.UpdatedAt.UtcDateTime,
        };
        if (await sql.UpdateRunAsync(row, consumed is null ? null : steps[0].Instance.Sequence - 1, cancellationToken) == 0)
        {
            return false;
        }

        if (consumed is not null && await sql.DeleteBookmarksAsync(nameof(FlowBookmarkRecord.GroupId), consumed.GroupId, cancellationToken) == 0)
        {
            // The stored snapshot holds this group, so its rows exist; rolling the batch back keeps the two in step.
            throw new InvalidOperationException($"Flow instance {instance.Id} holds bookmark group {consumed.GroupId}, which has no rows.");
        }

        foreach (var step in steps)
        {
            foreach (var removed in step.RemovedBookmarks)
            {
                if (removed.GroupId != consumed?.GroupId)
                {
                    await sql.DeleteBookmarksAsync(nameof(FlowBookmarkRecord.Id), removed.Id, cancellationToken);
                }
            }

            foreach (var added in step.AddedBookmarks)
            {
                await sql.InsertAsync(FlowSnapshots.ToRecord(added), cancellationToken);
            }

            await sql.InsertAsync(FlowSnapshots.ToRecord(step.Step), cancellationToken);
        }

        return true;
    }
}

/// <summary>
/// The conditional consume: only while the run is still at the step the resume was computed from (which holds the
/// bookmark), the bookmark's group goes and the resumed step is saved; otherwise nothing changes.
/// </summary>
internal sealed class ConsumeWrite(Bookmark bookmark, FlowCheckpoint checkpoint) : StoreWrite<bool>
{
    public override string InstanceId => checkpoint.Instance.Id;

    public override async Task<object?> ApplyAsync(FlowStoreCommands sql, CancellationToken cancellationToken) =>
        await CheckpointWrite.ApplyAsync(sql, [checkpoint], cancellationToken, consumed: bookmark);
}

/// <summary>
/// The start decision: event seen before → duplicate; else record it; then the flow's concurrency against the
/// subject's active instances (<c>restart</c> cancels them here, journaled); then insert the new instance.
/// </summary>
internal sealed class StartWrite(StartRequest request) : StoreWrite<StartDecision>
{
    private static readonly Func<FlowsDbContext, string, string, CancellationToken, Task<bool>> SeenBefore =
        EF.CompileAsyncQuery((FlowsDbContext db, string flowId, string eventId, CancellationToken _) =>
            db.FlowTriggerEvents.Any(e => e.FlowId == flowId && e.EventId == eventId));

    private static readonly Func<FlowsDbContext, string, string?, IAsyncEnumerable<ActiveRun>> Active =
        EF.CompileAsyncQuery((FlowsDbContext db, string flowId, string? subject) =>
            db.FlowInstances.AsNoTracking()
                .Where(i => i.FlowId == flowId && i.SubjectId == subject && (i.Status == FlowStatus.Running || i.Status == FlowStatus.Suspended))
                .Select(i => new ActiveRun(i.Id, i.Snapshot)));

    public override string? InstanceId => null;

    public override async Task<object?> ApplyAsync(FlowStoreCommands sql, CancellationToken cancellationToken)
    {
        var db = sql.Db;
        var instance = request.Instance;
        if (await SeenBefore(db, instance.FlowId, instance.TriggerEventId, cancellationToken))
        {
            return StartDecision.DuplicateEvent;
        }

        await sql.InsertAsync(new FlowTriggerEventRecord { FlowId = instance.FlowId, EventId = instance.TriggerEventId, SeenAt = instance.CreatedAt.UtcDateTime },
            cancellationToken);
        // A parallel flow starts whatever runs: reading the subject's active runs (their snapshots) would be wasted, and
        // grows with every run still waiting.
        var active = request.Concurrency == FlowConcurrency.Parallel
            ? []
            : await Active(db, instance.FlowId, instance.SubjectId).ToListAsync(cancellationToken);
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
                if (await CheckpointWrite.ApplyAsync(sql, [new FlowCheckpoint(stopped, entry, [], before.Bookmarks)], cancellationToken))
                {
                    await sql.DeleteBookmarksAsync(nameof(FlowBookmarkRecord.InstanceId), before.Id, cancellationToken);
                    cancelled.Add(before.Id);
                }
            }
        }

        await sql.InsertAsync(FlowSnapshots.ToRecord(instance), cancellationToken);
        return StartDecision.Start(cancelled);
    }

    private sealed record ActiveRun(string Id, string Snapshot);
}
