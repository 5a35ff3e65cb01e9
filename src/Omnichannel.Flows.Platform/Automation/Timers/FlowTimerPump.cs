using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Engine;
using Omnichannel.Flows.Engine.Activities;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Dispatch;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation.Timers;

/// <summary>
/// Fires what is due. The database is the source of truth: wait bookmarks (<see cref="Store.FlowBookmarkRecord.DueAt"/>)
/// and time-trigger rows (<see cref="FlowTriggerTimer.DueAt"/>) are indexed by due time; the pump only keeps the next
/// due time in memory. Each pass asks <see cref="TimeProvider"/> for now, claims a batch of due rows with a lease (a
/// conditional update, so app instances never fire the same row at once) and hands the batch to one Hangfire job
/// (<see cref="FlowTimerJob"/>), then sleeps until the next claim time, the poll interval, or a <see cref="Wake"/> for
/// an earlier timer. Wait timers are claimed <see cref="AutomationOptions.TimerLookahead"/> ahead: their job reads the
/// runs and resumes each on its due time, so the slice due next is in memory when it is due. Claims take their turn at
/// the <see cref="DatabaseWriteGate"/> like the store's group commits, so a burst of due timers is claimed back to back
/// instead of in SQLite's busy-handler sleeps. A claim whose job was lost (a crash) is fired again when its lease ends.
/// Running instances whose steps stopped half-way (a crash mid-run) are continued once they are
/// <see cref="AutomationOptions.StaleRunningAfter"/> old.
/// </summary>
public sealed class FlowTimerPump(
    IDbContextFactory<FlowsDbContext> dbs,
    IBackgroundJobClient jobs,
    DatabaseWriteGate writeGate,
    TriggerIndex triggers,
    ScheduleTriggerSync schedules,
    TimeProvider time,
    IOptions<AutomationOptions> options,
    IOptions<DatabaseOptions> database,
    ILogger<FlowTimerPump> logger) : BackgroundService
{
    /// <summary>A claimed row parked until its run can use it again (the run faulted): retry schedules it again.</summary>
    public static readonly DateTime Parked = DateTime.MaxValue;

    private readonly Lock gate = new();
    private TaskCompletionSource wakeUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTime sleepingUntil = DateTime.MaxValue;

    /// <summary>Passes done so far (tests wait for the pump to have looked after a clock change).</summary>
    public long Passes => Interlocked.Read(ref passes);

    private long passes;

    /// <summary>
    /// The clock's time as the latest finished pass read it: a test that moved the clock waits for a pass that saw the move,
    /// not for one that was under way already (which looked before it, and may have claimed nothing).
    /// </summary>
    public DateTime LastPassClock => new(Interlocked.Read(ref lastPassTicks), DateTimeKind.Utc);

    private long lastPassTicks;

    /// <summary>
    /// A timer due at <paramref name="dueAt"/> was stored: wake now if the pump sleeps past the time to claim it (its
    /// lookahead earlier; a trigger row is then looked at a little early, and the pass sleeps again).
    /// </summary>
    public void Wake(DateTime dueAt)
    {
        var wakeAt = ClaimTime(dueAt);
        lock (gate)
        {
            if (wakeAt < sleepingUntil)
            {
                sleepingUntil = wakeAt;
                wakeUp.TrySetResult();
            }
        }
    }

    /// <summary>When a timer due at <paramref name="dueAt"/> is claimed (its lookahead earlier).</summary>
    private DateTime ClaimTime(DateTime dueAt) =>
        dueAt - DateTime.MinValue > options.Value.TimerLookahead ? dueAt - options.Value.TimerLookahead : DateTime.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (database.Value.Provider == DatabaseProvider.Sqlite)
        {
            await ReleaseClaimsOfEarlierRunsAsync(stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            TaskCompletionSource signal;
            lock (gate)
            {
                signal = wakeUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                sleepingUntil = DateTime.MaxValue;
            }

            DateTime wakeAt;
            try
            {
                (var looked, wakeAt) = await PassAsync(stoppingToken);
                Interlocked.Exchange(ref lastPassTicks, looked.Ticks);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(exception, "The flow timer pump failed a pass; trying again after the poll interval");
                wakeAt = time.GetUtcNow().UtcDateTime + options.Value.TimerPollInterval;
            }

            Interlocked.Increment(ref passes);
            lock (gate)
            {
                if (wakeAt < sleepingUntil)
                {
                    sleepingUntil = wakeAt;
                }
            }

            // Until the wake time by the clock, even if it moved on while the pump set its timer (a test's clock, moved as
            // a pass ends): a sleep worked out before the move would end that much later.
            await time.UntilAsync(wakeAt, signal.Task, stoppingToken);
        }
    }

    /// <returns>The clock's time the pass claimed by; when to make the next pass: now when a full batch was claimed (more may be due).</returns>
    private async Task<(DateTime Now, DateTime WakeAt)> PassAsync(CancellationToken cancellationToken)
    {
        await schedules.SyncAsync(await triggers.GetAsync(cancellationToken), cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var batch = options.Value.TimerBatchSize;
        var bookmarks = await ClaimBookmarksAsync(now, batch, cancellationToken);
        var triggerTimers = await ClaimTriggerTimersAsync(now, batch, cancellationToken);
        await ContinueStaleRunsAsync(now, cancellationToken);
        if (bookmarks == batch || triggerTimers == batch)
        {
            return (now, DateTime.MinValue);
        }

        var next = await NextClaimTimeAsync(cancellationToken);
        // The poll counts from the time this pass claimed by, not from its end: a clock that moved on during the pass (a
        // test's clock, or the system's set forward) past the poll gets a pass at once that claims by the new time. A poll
        // counted from the end would put that off by a whole interval, as if the pass had seen the move.
        var poll = now + options.Value.TimerPollInterval;
        return (now, next is { } due && due < poll ? due : poll);
    }

    private async Task<int> ClaimBookmarksAsync(DateTime now, int batch, CancellationToken cancellationToken)
    {
        var claim = Guids.NewRandom();
        var horizon = now + options.Value.TimerLookahead;
        var until = horizon + options.Value.TimerLease;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await writeGate.EnterAsync(cancellationToken);
        // Unclaimed rows first, then claims whose lease ended: two range reads of the (FiringUntil, DueAt) index. One
        // query with an OR would walk the due-time index from the start, past every row already claimed, on every pass.
        var claimed = await ClaimAsync(db.FlowBookmarks
            .Where(b => b.Kind == BookmarkKind.Timer && b.FiringUntil == null && b.DueAt <= horizon).OrderBy(b => b.DueAt).Take(batch));
        if (claimed < batch)
        {
            claimed += await ClaimAsync(db.FlowBookmarks
                .Where(b => b.Kind == BookmarkKind.Timer && b.FiringUntil < now && b.DueAt <= now).OrderBy(b => b.FiringUntil).Take(batch - claimed));
        }

        if (claimed > 0)
        {
            logger.LogDebug("Firing {TimerCount} due wait timers (claim {Claim})", claimed, claim);
            jobs.Enqueue<FlowTimerJob>(job => job.ResumeTimersAsync(claim, CancellationToken.None));
        }

        return claimed;

        Task<int> ClaimAsync(IQueryable<Store.FlowBookmarkRecord> due) => due
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.FiringBy, claim).SetProperty(b => b.FiringUntil, until), cancellationToken);
    }

    private async Task<int> ClaimTriggerTimersAsync(DateTime now, int batch, CancellationToken cancellationToken)
    {
        var claim = Guids.NewRandom();
        var until = now + options.Value.TimerLease;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await writeGate.EnterAsync(cancellationToken);
        var claimed = await ClaimAsync(db.FlowTriggerTimers.Where(t => t.FiringUntil == null && t.DueAt <= now).OrderBy(t => t.DueAt).Take(batch));
        if (claimed < batch)
        {
            claimed += await ClaimAsync(db.FlowTriggerTimers.Where(t => t.FiringUntil < now && t.DueAt <= now).OrderBy(t => t.FiringUntil).Take(batch - claimed));
        }

        if (claimed > 0)
        {
            logger.LogDebug("Firing {TimerCount} due time triggers (claim {Claim})", claimed, claim);
            jobs.Enqueue<FlowTimerJob>(job => job.FireTriggersAsync(claim, CancellationToken.None));
        }

        return claimed;

        Task<int> ClaimAsync(IQueryable<FlowTriggerTimer> due) => due
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.FiringBy, claim).SetProperty(t => t.FiringUntil, until), cancellationToken);
    }

    private async Task ContinueStaleRunsAsync(DateTime now, CancellationToken cancellationToken)
    {
        var staleBefore = now - options.Value.StaleRunningAfter;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var stale = await StaleRuns(db, staleBefore, options.Value.TimerBatchSize).ToListAsync(cancellationToken);
        if (stale.Count == 0)
        {
            return;
        }

        // Mark them as looked after, so the next pass does not enqueue them again while the job runs.
        await db.FlowInstances.Where(i => stale.Contains(i.Id) && i.Status == FlowStatus.Running)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.UpdatedAt, now), cancellationToken);
        logger.LogWarning("Continuing {RunCount} flow runs left running (e.g. by a crash)", stale.Count);
        jobs.Enqueue<FlowTimerJob>(job => job.ContinueRunsAsync(stale, CancellationToken.None));
    }

    /// <summary>
    /// The oldest runs still running whose last step is from before <paramref name="staleBefore"/>, through the index that
    /// holds running runs only (<see cref="Store.FlowInstanceRecordConfiguration.RunningRuns"/>: the query states its filter).
    /// </summary>
    internal static IQueryable<string> StaleRuns(FlowsDbContext db, DateTime staleBefore, int most) => db.FlowInstances.AsNoTracking()
        .Where(i => i.Status == FlowStatus.Running && i.UpdatedAt < staleBefore)
        .OrderBy(i => i.UpdatedAt)
        .Select(i => i.Id)
        .Take(most);

    /// <summary>The due times of the unclaimed wait timers, earliest first (through the claims' index: unclaimed, by due time).</summary>
    internal static IQueryable<DateTime?> NextWaitTimer(FlowsDbContext db) => db.FlowBookmarks
        .Where(b => b.Kind == BookmarkKind.Timer && b.DueAt != null && b.FiringUntil == null)
        .OrderBy(b => b.DueAt).Select(b => b.DueAt);

    /// <summary>When the next unclaimed row is to be claimed: a wait timer its lookahead before it is due, a trigger when due.</summary>
    private async Task<DateTime?> NextClaimTimeAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var bookmark = await NextWaitTimer(db).FirstOrDefaultAsync(cancellationToken);
        var trigger = await db.FlowTriggerTimers
            .Where(t => t.FiringUntil == null)
            .OrderBy(t => t.DueAt).Select(t => (DateTime?)t.DueAt).FirstOrDefaultAsync(cancellationToken);
        var claimBookmark = bookmark is { } due ? ClaimTime(due) : (DateTime?)null;
        return claimBookmark is null ? trigger : trigger is null || claimBookmark < trigger ? claimBookmark : trigger;
    }

    /// <summary>
    /// On the embedded database there is one app instance and Hangfire keeps jobs in memory: claims left by an earlier
    /// process lost their jobs with it, so they are released now rather than after their lease. Parked rows stay parked.
    /// </summary>
    private async Task ReleaseClaimsOfEarlierRunsAsync(CancellationToken cancellationToken)
    {
        var parked = Parked;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var bookmarks = await db.FlowBookmarks.Where(b => b.FiringUntil != null && b.FiringUntil != parked)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.FiringUntil, (DateTime?)null).SetProperty(b => b.FiringBy, (Guid?)null), cancellationToken);
        var timers = await db.FlowTriggerTimers.Where(t => t.FiringUntil != null && t.FiringUntil != parked)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.FiringUntil, (DateTime?)null).SetProperty(t => t.FiringBy, (Guid?)null), cancellationToken);
        var running = await db.FlowInstances.Where(i => i.Status == FlowStatus.Running)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.UpdatedAt, DateTime.MinValue), cancellationToken);
        if (bookmarks + timers + running > 0)
        {
            logger.LogInformation("Recovering after a restart: {TimerCount} timers released, {RunCount} runs to continue",
                bookmarks + timers, running);
        }
    }
}
