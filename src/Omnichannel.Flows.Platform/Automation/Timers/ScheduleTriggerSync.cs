using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Engine.Activities.BuiltIn;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Timers;

/// <summary>
/// Keeps one <see cref="FlowTriggerTimer"/> row per <c>flow.scheduleTrigger</c> node of the live flows, due at its next
/// cron occurrence, and removes the rows of schedules no longer live. Runs when the set of live flows changed.
/// </summary>
public sealed class ScheduleTriggerSync(IDbContextFactory<FlowsDbContext> dbs, TimeProvider time, ILogger<ScheduleTriggerSync> logger)
{
    private const string NoSubject = "";
    private string? syncedKey;

    public async Task SyncAsync(TriggerSet live, CancellationToken cancellationToken)
    {
        if (live.Key == syncedKey)
        {
            return;
        }

        var kind = TimeTriggerKind.Schedule;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var rows = await db.FlowTriggerTimers.Where(t => t.Kind == kind).ToListAsync(cancellationToken);
        var wanted = live.For(TriggerTypes.Schedule);
        var now = time.GetUtcNow();
        foreach (var trigger in wanted)
        {
            var row = rows.FirstOrDefault(r => r.FlowId == trigger.FlowId && r.NodeId == trigger.NodeId);
            if (row is not null && row.Version == trigger.Version)
            {
                continue;
            }

            if (ScheduleTriggerActivity.NextOccurrence(trigger.Node, now) is not { } next)
            {
                continue;
            }

            if (row is null)
            {
                row = new FlowTriggerTimer { FlowId = trigger.FlowId, NodeId = trigger.NodeId, SubjectKey = NoSubject, Kind = kind };
                db.FlowTriggerTimers.Add(row);
            }

            row.Version = trigger.Version;
            row.EventId = Guids.NewVersion7(now);
            row.DueAt = next.UtcDateTime;
            row.FiringBy = null;
            row.FiringUntil = null;
            logger.LogInformation("Flow {FlowId} v{Version} schedule {NodeId} fires next at {DueAt}", trigger.FlowId, trigger.Version, trigger.NodeId, row.DueAt);
        }

        db.FlowTriggerTimers.RemoveRange(rows.Where(r => !wanted.Any(t => t.FlowId == r.FlowId && t.NodeId == r.NodeId)));
        await db.SaveChangesAsync(cancellationToken);
        syncedKey = live.Key;
    }
}
