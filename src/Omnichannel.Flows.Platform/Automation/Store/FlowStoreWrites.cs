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

    public abstract Task<object?> ApplyAsync(FlowsDbContext db, CancellationToken cancellationToken);
}

internal abstract class StoreWrite<T> : StoreWrite;

/// <summary>A step: the new snapshot, its journal entry and bookmark changes — dropped if the instance is stored as cancelled.</summary>
internal sealed class CheckpointWrite(FlowCheckpoint checkpoint, bool awaited) : StoreWrite<bool>
{
    public FlowCheckpoint Checkpoint { get; } = checkpoint;

    /// <summary>False for an appended step nobody waits for.</summary>
    public bool Awaited { get; } = awaited;

    public override string InstanceId => Checkpoint.Instance.Id;

    public override async Task<object?> ApplyAsync(FlowsDbContext db, CancellationToken cancellationToken) =>
        await ApplyAsync(db, Checkpoint, cancellationToken);

    /// <returns>False when the instance is cancelled (or unknown) and the step was dropped.</returns>
    /// <param name="consumedGroup">A bookmark group the caller has deleted already (the consume): not deleted twice.</param>
    public static async Task<bool> ApplyAsync(FlowsDbContext db, FlowCheckpoint checkpoint, CancellationToken cancellationToken, string? consumedGroup = null)
    {
        var instance = checkpoint.Instance;
        var snapshot = FlowSnapshots.Serialize(instance);
        var error = FlowSnapshots.Truncate(instance.Fault?.Message);
        var updatedAt = instance.UpdatedAt.UtcDateTime;
        var updated = await db.FlowInstances
            .Where(i => i.Id == instance.Id && i.Status != FlowStatus.Cancelled)
            .ExecuteUpdateAsync(set => set
                .SetProperty(i => i.Snapshot, snapshot)
                .SetProperty(i => i.Status, instance.Status)
                .SetProperty(i => i.Sequence, instance.Sequence)
                .SetProperty(i => i.Error, error)
                .SetProperty(i => i.UpdatedAt, updatedAt), cancellationToken);
        if (updated == 0)
        {
            return false;
        }

        var removed = checkpoint.RemovedBookmarks.Where(b => b.GroupId != consumedGroup).Select(b => b.Id).ToList();
        if (removed.Count > 0)
        {
            await db.FlowBookmarks.Where(b => removed.Contains(b.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        db.FlowBookmarks.AddRange(checkpoint.AddedBookmarks.Select(FlowSnapshots.ToRecord));
        db.FlowJournal.Add(FlowSnapshots.ToRecord(checkpoint.Step));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}

/// <summary>The conditional consume: delete the bookmark's group; only if rows went, save the resumed step.</summary>
internal sealed class ConsumeWrite(Bookmark bookmark, FlowCheckpoint checkpoint) : StoreWrite<bool>
{
    public override string InstanceId => checkpoint.Instance.Id;

    public override async Task<object?> ApplyAsync(FlowsDbContext db, CancellationToken cancellationToken)
    {
        var deleted = await db.FlowBookmarks.Where(b => b.GroupId == bookmark.GroupId).ExecuteDeleteAsync(cancellationToken);
        return deleted > 0 && await CheckpointWrite.ApplyAsync(db, checkpoint, cancellationToken, consumedGroup: bookmark.GroupId);
    }
}

/// <summary>
/// The start decision: event seen before → duplicate; else record it; then the flow's concurrency against the
/// subject's active instances (<c>restart</c> cancels them here, journaled); then insert the new instance.
/// </summary>
internal sealed class StartWrite(StartRequest request) : StoreWrite<StartDecision>
{
    public override string? InstanceId => null;

    public override async Task<object?> ApplyAsync(FlowsDbContext db, CancellationToken cancellationToken)
    {
        var instance = request.Instance;
        if (await db.FlowTriggerEvents.AnyAsync(e => e.FlowId == instance.FlowId && e.EventId == instance.TriggerEventId, cancellationToken))
        {
            return StartDecision.DuplicateEvent;
        }

        db.FlowTriggerEvents.Add(new FlowTriggerEventRecord { FlowId = instance.FlowId, EventId = instance.TriggerEventId, SeenAt = instance.CreatedAt.UtcDateTime });
        var subject = instance.SubjectId;
        var active = await db.FlowInstances.AsNoTracking()
            .Where(i => i.FlowId == instance.FlowId && i.SubjectId == subject && (i.Status == FlowStatus.Running || i.Status == FlowStatus.Suspended))
            .Select(i => new { i.Id, i.Snapshot })
            .ToListAsync(cancellationToken);
        if (active.Count > 0 && request.Concurrency == FlowConcurrency.Single)
        {
            // Journaled on the run that made way for nothing, so its history says which trigger it absorbed.
            db.FlowJournal.Add(new FlowJournalRecord
            {
                InstanceId = active[0].Id,
                Kind = FlowJournalKind.StartSkipped,
                Sequence = FlowSnapshots.Deserialize(active[0].Snapshot).Sequence,
                At = instance.CreatedAt.UtcDateTime,
                NodeId = instance.TriggerNodeId,
                Outcome = JournalOutcome.Ended,
                Inputs = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["eventId"] = instance.TriggerEventId }),
                Error = $"Skipped a start (event {instance.TriggerEventId}): the flow runs once at a time per contact and this run is active.",
            });
            await db.SaveChangesAsync(cancellationToken);
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
                if (await CheckpointWrite.ApplyAsync(db, new FlowCheckpoint(stopped, entry, [], before.Bookmarks), cancellationToken))
                {
                    await db.FlowBookmarks.Where(b => b.InstanceId == before.Id).ExecuteDeleteAsync(cancellationToken);
                    cancelled.Add(before.Id);
                }
            }
        }

        db.FlowInstances.Add(FlowSnapshots.ToRecord(instance));
        await db.SaveChangesAsync(cancellationToken);
        return StartDecision.Start(cancelled);
    }
}
