using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation;

/// <summary>
/// A daily Hangfire job: deletes automation events dispatched (or given up on) more than
/// <see cref="AutomationOptions.RetentionDays"/> ago, and the trigger-event ids flows saw before then. An event id is
/// only seen again while its event is pending or a time trigger fires again after a crash (minutes), so a dedupe row
/// that old guards nothing; without this the table grows by a row per run for ever. Runs that finished or were
/// cancelled more than <see cref="AutomationOptions.RunRetentionDays"/> ago go too, with their journal: the history
/// of every run would otherwise grow by a run and its steps per message a flow answers.
/// </summary>
public sealed class AutomationRetention(
    FlowsDbContext db, DatabaseWriteGate gate, TimeProvider time, IOptions<AutomationOptions> options, ILogger<AutomationRetention> logger)
{
    public const string JobId = "automation-retention";

    /// <summary>Runs deleted in one turn at the write gate, with their journal (a few rows each).</summary>
    internal const int RunsPerTurn = 500;

    /// <summary>
    /// Events dispatched (or given up on) before <paramref name="cutoff"/>, read through the (state, occurred) index: an
    /// event occurs before it is dispatched, so the occurrence bound takes none away.
    /// </summary>
    internal static IQueryable<AutomationEvent> ExpiredEvents(FlowsDbContext db, DateTime cutoff) => db.AutomationEvents
        .Where(e => (e.State == AutomationEventState.Dispatched || e.State == AutomationEventState.Failed)
                    && e.OccurredAt < cutoff && e.DispatchedAt < cutoff);

    /// <summary>Trigger-event ids seen before <paramref name="cutoff"/>, read through the seen-at index.</summary>
    internal static IQueryable<Store.FlowTriggerEventRecord> ExpiredTriggerEvents(FlowsDbContext db, DateTime cutoff) =>
        db.FlowTriggerEvents.Where(e => e.SeenAt < cutoff);

    /// <summary>
    /// The runs of <paramref name="flowId"/> that ended (finished or cancelled) before <paramref name="cutoff"/>, read
    /// through the (flow, created) index: a run is created before it ends, so the creation bound takes none away, and
    /// the runs it leaves to filter are the old ones kept (faulted, or waiting still).
    /// </summary>
    internal static IQueryable<FlowInstanceRecord> ExpiredRuns(FlowsDbContext db, string flowId, DateTime cutoff) => db.FlowInstances
        .Where(i => i.FlowId == flowId && i.CreatedAt < cutoff
                    && (i.Status == FlowStatus.Finished || i.Status == FlowStatus.Cancelled) && i.UpdatedAt < cutoff);

    public async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var cutoff = now.AddDays(-options.Value.RetentionDays);
        var events = await ExpiredEvents(db, cutoff).DeleteInTurnsAsync(db, gate, cancellationToken);
        var seen = await ExpiredTriggerEvents(db, cutoff).DeleteInTurnsAsync(db, gate, cancellationToken);
        if (events + seen > 0)
        {
            logger.LogInformation("Deleted {EventCount} automation events and {SeenCount} trigger-event ids from before {Cutoff:u}",
                events, seen, cutoff);
        }

        var runCutoff = now.AddDays(-options.Value.RunRetentionDays);
        var runs = await PurgeRunsAsync(runCutoff, RunsPerTurn, cancellationToken);
        if (runs > 0)
        {
            logger.LogInformation("Deleted {RunCount} flow runs that ended before {Cutoff:u}, with their journal", runs, runCutoff);
        }
    }

    /// <summary>
    /// Deletes the runs that ended before <paramref name="cutoff"/>, flow by flow, <paramref name="chunkSize"/> runs at a
    /// time: each chunk's runs and their rows (<see cref="FlowRunDeletion"/>, a few journal rows each) go in one
    /// transaction, in one turn at the write gate.
    /// </summary>
    /// <returns>How many runs were deleted.</returns>
    internal async Task<int> PurgeRunsAsync(DateTime cutoff, int chunkSize, CancellationToken cancellationToken)
    {
        var total = 0;
        var flowIds = await db.FlowInstances.Select(i => i.FlowId).Distinct().ToListAsync(cancellationToken);
        foreach (var flowId in flowIds)
        {
            while (await ExpiredRuns(db, flowId, cutoff).OrderBy(i => i.CreatedAt).Select(i => i.Id).Take(chunkSize)
                       .ToListAsync(cancellationToken) is { Count: > 0 } chunk)
            {
                using (await gate.EnterAsync(db, cancellationToken))
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    // Still ended and old: the chunk was read outside the turn.
                    total += await FlowRunDeletion.DeleteAsync(db, ExpiredRuns(db, flowId, cutoff).Where(i => chunk.Contains(i.Id)), cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                if (chunk.Count < chunkSize)
                {
                    break;
                }
            }
        }

        return total;
    }
}
