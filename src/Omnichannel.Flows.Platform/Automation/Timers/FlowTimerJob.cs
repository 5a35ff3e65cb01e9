using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Definitions;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Automation.Runs;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Automation.Timers;

/// <summary>
/// The Hangfire side of <see cref="FlowTimerPump"/>: thin jobs that take a claim id, load what it claimed and resume or
/// start runs. Safe to run twice: a bookmark is consumed once, a trigger row fires under its event id (a flow starts
/// once per event id), and every row change is conditional on the claim.
/// </summary>
public sealed class FlowTimerJob(
    IDbContextFactory<FlowsDbContext> dbs, FlowRuns runs, TriggerIndex triggers, FlowTimerPump pump, AutomationSignals signals,
    TimeProvider time, IOptions<AutomationOptions> options, ILogger<FlowTimerJob> logger)
{
    /// <summary>
    /// Resumes the claim's timers, each on its due time (the pump claims them a little ahead), several runs at a time
    /// (each run's own steps stay in order). The runs are read with their timers in one query, before they are due; the
    /// runner uses that copy (and reads again should it be out of date by then).
    /// </summary>
    public async Task ResumeTimersAsync(Guid claim, CancellationToken cancellationToken)
    {
        List<ClaimedTimer> timers;
        HashSet<string> disabled;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var rows = await db.FlowBookmarks.AsNoTracking()
                .Where(b => b.FiringBy == claim)
                .Join(db.FlowInstances, b => b.InstanceId, i => i.Id, (b, i) => new { b.Id, b.InstanceId, b.DueAt, i.SubjectId, i.Snapshot })
                .ToListAsync(cancellationToken);
            timers = [.. rows.OrderBy(r => r.DueAt)
                .Select(r => new ClaimedTimer(r.Id, r.InstanceId, r.DueAt ?? DateTime.MinValue, r.SubjectId, FlowSnapshots.Deserialize(r.Snapshot)))];
            string[] flowIds = [.. timers.Select(t => t.Read.FlowId).Distinct()];
            disabled = [.. await db.Flows.AsNoTracking().Where(f => flowIds.Contains(f.Id) && f.Status == FlowState.Disabled)
                .Select(f => f.Id).ToListAsync(cancellationToken)];
        }

        await Parallel.ForEachAsync(timers, Parallelism(cancellationToken), async (timer, ct) => await ResumeAsync(claim, timer, disabled, ct));
        signals.Done();
    }

    /// <param name="disabled">
    /// The flows of the claim's runs that are disabled: disabling cancels their runs, and a wait the cancelling did not
    /// reach (a crash, a dropped request) is cancelled when due instead of carrying on.
    /// </param>
    private async Task ResumeAsync(Guid claim, ClaimedTimer timer, HashSet<string> disabled, CancellationToken cancellationToken)
    {
        try
        {
            // Until the clock says it is due: a resume a moment early (a timer may end early) would find the wait not due
            // and hand it back to the pump.
            await time.UntilAsync(timer.DueAt, woken: null, cancellationToken);
            FlowsTelemetry.TimerTakenUp(time, timer.DueAt, timer.Read.FlowId, "wait");

            if (disabled.Contains(timer.Read.FlowId))
            {
                // Cancelling deletes the run's bookmarks, this timer's row with them.
                await runs.CancelAsync(timer.InstanceId, FlowRunReasons.FlowDisabled, cancellationToken);
                return;
            }

            var result = await runs.ResumeAsync(timer.InstanceId, timer.Id, timer.SubjectId, null, cancellationToken, timer.Read);
            if (result.Outcome == ResumeOutcome.Resumed)
            {
                return;
            }

            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var row = db.FlowBookmarks.Where(b => b.Id == timer.Id && b.FiringBy == claim);
            switch (result.Outcome)
            {
                case ResumeOutcome.NotDue:
                    // Its run says it is due later (another instance's clock, a wait moved): claimed again in time for that.
                    await row.ExecuteUpdateAsync(set => set.SetProperty(b => b.FiringUntil, (DateTime?)null).SetProperty(b => b.FiringBy, (Guid?)null), cancellationToken);
                    pump.Wake(DueAt(result.Instance, timer));
                    break;
                case ResumeOutcome.AlreadyConsumed when result.Instance is { Status: FlowStatus.Faulted }:
                    // Resumes nothing now; the run's retry schedules it again.
                    await row.ExecuteUpdateAsync(set => set.SetProperty(b => b.FiringUntil, FlowTimerPump.Parked), cancellationToken);
                    break;
                case ResumeOutcome.AlreadyConsumed or ResumeOutcome.NotFound:
                    await row.ExecuteDeleteAsync(cancellationToken);
                    break;
            }
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Resuming flow run {InstanceId} on timer {BookmarkId} failed; it fires again when its claim ends",
                timer.InstanceId, timer.Id);
        }
    }

    /// <summary>What a wait whose run says it is not due yet is due at: the run's own bookmark, else the row's.</summary>
    private static DateTime DueAt(FlowInstance? instance, ClaimedTimer timer) =>
        instance?.Bookmarks.FirstOrDefault(b => b.Id == timer.Id)?.DueAt?.UtcDateTime ?? timer.DueAt;

    private sealed record ClaimedTimer(string Id, string InstanceId, DateTime DueAt, string? SubjectId, FlowInstance Read);

    public async Task FireTriggersAsync(Guid claim, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var rows = await db.FlowTriggerTimers.AsNoTracking().Where(t => t.FiringBy == claim).ToListAsync(cancellationToken);
        var live = await triggers.GetAsync(cancellationToken);
        foreach (var row in rows)
        {
            var claimed = db.FlowTriggerTimers.Where(t => t.FlowId == row.FlowId && t.NodeId == row.NodeId && t.SubjectKey == row.SubjectKey
                                                         && t.FiringBy == claim && t.EventId == row.EventId);
            try
            {
                FlowsTelemetry.TimerTakenUp(time, row.DueAt, row.FlowId, KindName(row.Kind));
                if (live.Find(row.FlowId, row.NodeId) is not { } trigger)
                {
                    await claimed.ExecuteDeleteAsync(cancellationToken); // the flow was disabled, unpublished or the node removed
                    continue;
                }

                DateTime? next = row.Kind switch
                {
                    TimeTriggerKind.Schedule => await FireScheduleAsync(row, trigger, cancellationToken),
                    TimeTriggerKind.ConversationIdle => await FireIdleAsync(db, row, trigger, cancellationToken),
                    _ => await FireAsync(row, trigger, row.EventId.ToString(), cancellationToken),
                };
                if (next is { } dueAt)
                {
                    await claimed.ExecuteUpdateAsync(set => set
                        .SetProperty(t => t.DueAt, dueAt)
                        .SetProperty(t => t.EventId, row.Kind == TimeTriggerKind.Schedule ? Guids.NewVersion7(time.GetUtcNow()) : row.EventId)
                        .SetProperty(t => t.FiringUntil, (DateTime?)null)
                        .SetProperty(t => t.FiringBy, (Guid?)null), cancellationToken);
                    pump.Wake(dueAt);
                }
                else
                {
                    await claimed.ExecuteDeleteAsync(cancellationToken);
                }
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogError(exception, "Firing {TriggerKind} of flow {FlowId} node {NodeId} for {SubjectKey} failed; it fires again when its claim ends",
                    row.Kind, row.FlowId, row.NodeId, row.SubjectKey);
            }
        }

        signals.Done();
    }

    /// <summary>
    /// Carries on with runs a crash left half-way (their steps re-run with the same idempotency keys), several at a time
    /// like <see cref="ResumeTimersAsync"/>: a crash in a burst leaves as many runs half-way as the burst had in flight. A
    /// run of a flow disabled meanwhile is cancelled instead, as its due waits are.
    /// </summary>
    public async Task ContinueRunsAsync(List<string> instanceIds, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var stopped = await db.FlowInstances.AsNoTracking().Where(i => instanceIds.Contains(i.Id))
            .Join(db.Flows, i => i.FlowId, f => f.Id, (i, f) => new { i.Id, i.SubjectId, Disabled = f.Status == FlowState.Disabled })
            .ToListAsync(cancellationToken);
        await Parallel.ForEachAsync(stopped, Parallelism(cancellationToken),
            async (run, ct) =>
            {
                try
                {
                    if (run.Disabled)
                    {
                        await runs.CancelAsync(run.Id, FlowRunReasons.FlowDisabled, ct);
                        return;
                    }

                    await runs.ContinueAsync(run.Id, run.SubjectId, ct);
                }
                catch (Exception exception) when (!ct.IsCancellationRequested)
                {
                    logger.LogError(exception, "Continuing flow run {InstanceId} failed", run.Id);
                }
            });
        signals.Done();
    }

    /// <summary>A time trigger's kind as the lateness metric tags it (<see cref="FlowsTelemetry.TimerLateness"/>).</summary>
    private static string KindName(TimeTriggerKind kind) => kind switch
    {
        TimeTriggerKind.ConversationIdle => "conversationIdle",
        TimeTriggerKind.WindowClosing => "windowClosing",
        TimeTriggerKind.WindowClosed => "windowClosed",
        _ => "schedule",
    };

    /// <summary>Runs of one job resumed or continued at the same time (<see cref="AutomationOptions.TimerParallelism"/>).</summary>
    private ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = options.Value.TimerParallelism, CancellationToken = cancellationToken };

    /// <returns>Null: the row is used up.</returns>
    private async Task<DateTime?> FireAsync(FlowTriggerTimer row, TriggerEntry trigger, string eventId, CancellationToken cancellationToken)
    {
        var payload = row.Payload is null ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(row.Payload);
        await runs.StartAsync(trigger, new TriggerEvent(eventId, row.ContactId?.ToString(), payload), cancellationToken);
        return null;
    }

    /// <summary>
    /// Starts this occurrence (its event id names it) and returns the next one. When later occurrences already passed
    /// (the job ran late, the app was down) the latest of them comes next, due at once: missed runs are caught up with
    /// one start, not one per missed occurrence.
    /// </summary>
    private async Task<DateTime?> FireScheduleAsync(FlowTriggerTimer row, TriggerEntry trigger, CancellationToken cancellationToken)
    {
        var occurrence = new DateTimeOffset(row.DueAt, TimeSpan.Zero);
        var payload = JsonSerializer.SerializeToElement(new { scheduledAt = occurrence }, JsonSerializerOptions.Web);
        await runs.StartAsync(trigger, new TriggerEvent(ScheduleTriggerActivity.EventId(row.FlowId, row.NodeId, occurrence), null, payload), cancellationToken);
        var now = time.GetUtcNow();
        var next = ScheduleTriggerActivity.NextOccurrence(trigger.Node, occurrence);
        while (next is { } candidate && candidate < now && ScheduleTriggerActivity.NextOccurrence(trigger.Node, candidate) is { } later && later <= now)
        {
            next = later;
        }

        return next?.UtcDateTime;
    }

    /// <summary>
    /// Fires when neither side wrote for the duration since the customer's last message; a later message of either
    /// side (an agent's reply) moves the due time instead. Only a new customer message arms it again after it fired.
    /// </summary>
    private async Task<DateTime?> FireIdleAsync(FlowsDbContext db, FlowTriggerTimer row, TriggerEntry trigger, CancellationToken cancellationToken)
    {
        var duration = ((ConversationIdleTrigger)trigger.Filter).Duration;
        var lastMessageAt = await db.Conversations.AsNoTracking().Where(c => c.ContactId == row.ContactId)
            .Select(c => c.LastMessageAt).FirstOrDefaultAsync(cancellationToken);
        var quietSince = lastMessageAt is { } last && last > (row.MessageSentAt ?? DateTime.MinValue) ? last : row.MessageSentAt ?? row.DueAt - duration;
        var dueAt = quietSince + duration;
        if (dueAt > time.GetUtcNow().UtcDateTime)
        {
            return dueAt;
        }

        return await FireAsync(row, trigger, row.EventId.ToString(), cancellationToken);
    }
}
