using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// The database says which broadcasts should be running; Hangfire (in-memory storage forgets across restarts) only runs
/// them. On start and every minute: due scheduled broadcasts, and running ones no live run holds, get a run job; on
/// start, those scheduled or waiting for later get one at that time. A run that finds the lease taken does nothing, so
/// an extra job is harmless.
/// </summary>
public sealed class BroadcastRecovery(IDbContextFactory<FlowsDbContext> dbs, IBackgroundJobClient jobs, TimeProvider time, ILogger<BroadcastRecovery> logger)
{
    public const string JobId = "broadcast-recovery";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    public async Task RecoverAsync(bool onStart, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var takeOverOthers = db.Database.IsSqlite();
        var candidates = await db.Broadcasts.AsNoTracking()
            .Where(b => b.State == BroadcastState.Scheduled || b.State == BroadcastState.Running)
            .Select(b => new { b.Id, b.State, b.ScheduledAt, b.WaitingUntil, b.LeaseToken, b.LeaseUntil })
            .ToListAsync(cancellationToken);
        var started = 0;
        foreach (var broadcast in candidates)
        {
            var dueAt = broadcast.State == BroadcastState.Scheduled ? broadcast.ScheduledAt : broadcast.WaitingUntil;
            var free = broadcast.LeaseToken is null || broadcast.LeaseUntil < now || (onStart && takeOverOthers);
            if (!free)
            {
                continue;
            }

            if (dueAt is { } at && at > now)
            {
                if (onStart)
                {
                    jobs.Schedule<BroadcastRunJob>(j => j.RunAsync(broadcast.Id, CancellationToken.None), at - now);
                }

                continue;
            }

            jobs.Enqueue<BroadcastRunJob>(j => j.RunAsync(broadcast.Id, CancellationToken.None));
            started++;
        }

        if (started > 0)
        {
            logger.LogInformation("Re-armed {BroadcastCount} broadcasts", started);
        }
    }
}
