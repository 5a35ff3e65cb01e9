using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Runs a broadcast under its lease: starts it, recovers what a dead run left (claimed → pending, sending → unknown),
/// snapshots the audience if that is not done, then sends — one lane per channel — until every recipient is done, or it
/// is paused or cancelled, or nothing may be sent for a while (quiet hours, the messaging limit, back-off), when it
/// says why and until when, and either waits (briefly) or schedules itself again and stops.
/// </summary>
public sealed class BroadcastRunner(
    BroadcastServices services, AudienceSnapshot snapshot, IBackgroundJobClient jobs, ILogger<BroadcastRunner> logger)
{
    /// <summary>Waits longer than this end the run and schedule the next one (Hangfire; the database stays the truth).</summary>
    public static readonly TimeSpan LongestInlineWait = TimeSpan.FromSeconds(30);

    public async Task RunAsync(BroadcastLease lease, CancellationToken stopping)
    {
        var run = await StartAsync(lease, stopping);
        if (run is null)
        {
            return;
        }

        var (released, interrupted) = await services.Outbox.RecoverInterruptedAsync(run.BroadcastId, run.Token, stopping);
        if (released + interrupted > 0)
        {
            logger.LogWarning("Broadcast {BroadcastId} resumed after an interrupted run: {Released} claimed recipients released, {Interrupted} sends in flight marked unknown (never resent)",
                run.BroadcastId, released, interrupted);
        }

        if (run.Broadcast.SnapshotCompletedAt is null && !await snapshot.TakeAsync(run, stopping))
        {
            return;
        }

        await SendAsync(run, lease, stopping);
    }

    private async Task<BroadcastRun?> StartAsync(BroadcastLease lease, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow().UtcDateTime;
        await using var db = await services.Dbs.CreateDbContextAsync(cancellationToken);
        await db.Broadcasts.Where(b => b.Id == lease.BroadcastId && b.LeaseToken == lease.Token && b.State == BroadcastState.Scheduled)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.State, BroadcastState.Running).SetProperty(b => b.StartedAt, now), cancellationToken);
        var broadcast = await db.Broadcasts.AsNoTracking().FirstOrDefaultAsync(b => b.Id == lease.BroadcastId && b.LeaseToken == lease.Token, cancellationToken);
        if (broadcast is not { State: BroadcastState.Running })
        {
            return null;
        }

        var definition = BroadcastDefinition.Parse(broadcast.Definition);
        var template = definition.ContentFor(ChannelKind.WhatsApp)?.Template is { } t
            ? await db.MessageTemplates.AsNoTracking().FirstOrDefaultAsync(m => m.Channel == ChannelKind.WhatsApp && m.Name == t.Name && m.Language == t.Language, cancellationToken)
            : null;
        logger.LogInformation("Broadcast {BroadcastId} ({BroadcastName}) running", broadcast.Id, broadcast.Name);
        return new BroadcastRun(broadcast, definition, template, lease.Token);
    }

    private async Task SendAsync(BroadcastRun run, BroadcastLease lease, CancellationToken stopping)
    {
        var zones = await ZonesAsync(run.BroadcastId, stopping);
        var recorder = new SendOutcomeRecorder(run.BroadcastId, services.Dbs, services.WriteGate, services.Statuses, services.Events, services.Activity,
            services.Options.Value, services.Time, logger);
        var context = new BroadcastRunContext(run, lease, services, recorder,
            new MessagingBudget(services.Dbs, services.Options.Value.MessagingLimit, services.Time), new QuietZones(run.Definition.QuietHours, zones));
        var lanes = run.Definition.Channels.Select(c => new BroadcastLane(c, context, services.Throttles.For(c), logger)).ToList();
        var waiting = run.Broadcast.WaitingReason is not null;
        try
        {
            while (!stopping.IsCancellationRequested && await context.StillRunningAsync(stopping))
            {
                var progressed = (await Task.WhenAll(lanes.Select(l => l.SendDueAsync(stopping)))).Any(p => p);
                await context.InFlight.DrainAsync();
                await recorder.FlushAsync();
                if (progressed)
                {
                    if (waiting)
                    {
                        await SetWaitingAsync(run, null, null, stopping);
                        waiting = false;
                    }

                    continue;
                }

                var wake = await NextWakeAsync(context, stopping);
                if (wake is null)
                {
                    await CompleteAsync(run, stopping);
                    return;
                }

                var (at, reason) = wake.Value;
                var wait = at - services.Time.GetUtcNow().UtcDateTime;
                if (wait > LongestInlineWait)
                {
                    await SetWaitingAsync(run, reason, at, stopping);
                    jobs.Schedule<BroadcastRunJob>(j => j.RunAsync(run.BroadcastId, CancellationToken.None), wait);
                    logger.LogInformation("Broadcast {BroadcastId} waits ({Reason}) until {Until:o}", run.BroadcastId, reason, at);
                    return;
                }

                if (!await context.KeepLeaseAsync(wait, stopping))
                {
                    return;
                }

                // The timer is set before the wait is told, so a clock moved on hearing of it always ends the wait.
                var delay = wait > TimeSpan.Zero ? Task.Delay(wait, services.Time, stopping) : Task.CompletedTask;
                await SetWaitingAsync(run, reason, at, stopping);
                waiting = true;
                await delay;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            logger.LogInformation("Broadcast {BroadcastId}: the app is stopping; the run ends after the sends under way", run.BroadcastId);
        }
        finally
        {
            await context.InFlight.DrainAsync();
            await recorder.FlushAsync();
            await recorder.DisposeAsync();
            await services.Outbox.ReleaseAsync(run.Token, null, CancellationToken.None);
            await services.Outbox.SkipCancelledAsync(run.BroadcastId, CancellationToken.None);
            services.Activity.Publish(run.BroadcastId);
        }
    }

    /// <summary>Nothing is due now: when something will be, and why not before; null when every recipient is done.</summary>
    private async Task<(DateTime At, string Reason)?> NextWakeAsync(BroadcastRunContext context, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow().UtcDateTime;
        await using var db = await services.Dbs.CreateDbContextAsync(cancellationToken);
        var pending = db.BroadcastRecipients.Where(r => r.BroadcastId == context.Run.BroadcastId && r.State == RecipientState.Pending);
        if (!await pending.AnyAsync(cancellationToken))
        {
            return null;
        }

        var retry = await pending.Where(r => r.NextAttemptAt > now).MinAsync(r => r.NextAttemptAt, cancellationToken);
        var sleeping = context.Run.Definition.QuietHours is null ? []
            : await pending.Where(r => r.NextAttemptAt == null || r.NextAttemptAt <= now).Select(r => r.TimeZone).Distinct().ToListAsync(cancellationToken);
        var woken = context.Quiet.NextWake(sleeping, now);
        var freed = context.Budget.Exhausted ? await context.Budget.FreesAtAsync(cancellationToken) : null;
        (DateTime? At, string Reason)[] reasons =
            [(retry, BroadcastWaits.Retrying), (woken, BroadcastWaits.QuietHours), (freed, BroadcastWaits.MessagingLimit)];
        var first = reasons.Where(r => r.At is not null).OrderBy(r => r.At).FirstOrDefault();
        // Pending, yet none of these holds it back (a race with a change just made): look again shortly.
        return first.At is { } at ? (at, first.Reason) : (now.AddSeconds(1), BroadcastWaits.Retrying);
    }

    private async Task<IReadOnlyCollection<string>> ZonesAsync(Guid broadcastId, CancellationToken cancellationToken)
    {
        await using var db = await services.Dbs.CreateDbContextAsync(cancellationToken);
        return await db.BroadcastRecipients.Where(r => r.BroadcastId == broadcastId && r.State == RecipientState.Pending)
            .Select(r => r.TimeZone).Distinct().ToListAsync(cancellationToken);
    }

    private async Task SetWaitingAsync(BroadcastRun run, string? reason, DateTime? until, CancellationToken cancellationToken)
    {
        await using var db = await services.Dbs.CreateDbContextAsync(cancellationToken);
        await db.Broadcasts.Where(b => b.Id == run.BroadcastId && b.LeaseToken == run.Token && b.State == BroadcastState.Running)
            .ExecuteUpdateAsync(set => set.SetProperty(b => b.WaitingReason, reason).SetProperty(b => b.WaitingUntil, until), cancellationToken);
        services.Activity.Publish(run.BroadcastId);
    }

    private async Task CompleteAsync(BroadcastRun run, CancellationToken cancellationToken)
    {
        var now = services.Time.GetUtcNow().UtcDateTime;
        await using var db = await services.Dbs.CreateDbContextAsync(cancellationToken);
        await db.Broadcasts.Where(b => b.Id == run.BroadcastId && b.LeaseToken == run.Token && b.State == BroadcastState.Running)
            .ExecuteUpdateAsync(set => set
                .SetProperty(b => b.State, BroadcastState.Completed)
                .SetProperty(b => b.CompletedAt, now)
                .SetProperty(b => b.WaitingReason, (string?)null)
                .SetProperty(b => b.WaitingUntil, (DateTime?)null), cancellationToken);
        logger.LogInformation("Broadcast {BroadcastId} ({BroadcastName}) completed", run.BroadcastId, run.Broadcast.Name);
    }
}
