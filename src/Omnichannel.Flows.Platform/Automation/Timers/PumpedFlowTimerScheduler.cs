using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Timers;

/// <summary>
/// The engine's <see cref="IFlowTimerScheduler"/>: the timer is already a durable bookmark row when this is called, so
/// scheduling only releases a parked claim (a retried run's timer) and wakes the pump if it sleeps past the due time.
/// </summary>
public sealed class PumpedFlowTimerScheduler(IDbContextFactory<FlowsDbContext> dbs, FlowTimerPump pump) : IFlowTimerScheduler
{
    public async ValueTask ScheduleAsync(Bookmark timer, CancellationToken cancellationToken)
    {
        if (timer.DueAt is not { } due)
        {
            return;
        }

        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            await db.FlowBookmarks.Where(b => b.Id == timer.Id && b.FiringUntil != null)
                .ExecuteUpdateAsync(set => set.SetProperty(b => b.FiringUntil, (DateTime?)null).SetProperty(b => b.FiringBy, (Guid?)null), cancellationToken);
        }

        pump.Wake(due.UtcDateTime);
    }
}
