using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.Outbound;

/// <summary>
/// The database is the outbox, Hangfire only the engine that drains it: on start and every minute, queued messages
/// get a send job again (in-memory job storage forgets jobs across restarts), and sends stuck in 'sending' — the
/// process died during the provider call — become 'unknown', to be reconciled from status webhooks, never resent.
/// </summary>
public sealed class OutboxRecovery(
    FlowsDbContext db, IBackgroundJobClient jobs, TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxRecovery> logger)
{
    public const string JobId = "outbox-recovery";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    /// <param name="onStart">On start every queued message is rescheduled; afterwards only those overdue by a minute.</param>
    public async Task RecoverAsync(bool onStart, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var overdueBefore = onStart ? DateTime.MaxValue : now.AddMinutes(-1);
        var stuckBefore = now - options.Value.SendingTimeout;
        var interrupted = await Stuck(db, stuckBefore)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, DeliveryStatus.Unknown)
                .SetProperty(m => m.StatusAt, now)
                .SetProperty(m => m.ErrorReason, "The send was interrupted; it may or may not have reached the provider."), cancellationToken);
        if (interrupted > 0)
        {
            logger.LogWarning("{MessageCount} interrupted sends marked unknown", interrupted);
        }

        var queued = await Overdue(db, overdueBefore)
            .Select(m => new { m.Id, m.NextAttemptAt, m.StatusAt })
            .ToListAsync(cancellationToken);
        foreach (var message in queued)
        {
            var delay = message.NextAttemptAt is { } next && next > now ? next - now : TimeSpan.Zero;
            jobs.Schedule<OutboundDispatchJob>(j => j.RunAsync(message.Id, CancellationToken.None), delay);
        }

        if (queued.Count > 0)
        {
            logger.LogInformation("Re-queued {MessageCount} outbound messages", queued.Count);
        }
    }

    /// <summary>Sends still 'sending' since before <paramref name="before"/>: the process died during the provider call.</summary>
    internal static IQueryable<Message> Stuck(FlowsDbContext db, DateTime before) =>
        db.Messages.Where(m => m.Direction == MessageDirection.Outbound && m.Status == DeliveryStatus.Sending && m.StatusAt < before);

    /// <summary>
    /// Queued sends due before <paramref name="before"/> (untracked). A broadcast's queued messages are sent by its runner,
    /// at the number's pace (Broadcasts/BroadcastRunner).
    /// </summary>
    internal static IQueryable<Message> Overdue(FlowsDbContext db, DateTime before) =>
        db.Messages.AsNoTracking().Where(m => m.Direction == MessageDirection.Outbound && m.Status == DeliveryStatus.Queued
            && m.BroadcastId == null && (m.NextAttemptAt ?? m.StatusAt) < before);
}
