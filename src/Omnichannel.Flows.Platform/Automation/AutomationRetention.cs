using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Automation;

/// <summary>
/// A daily Hangfire job: deletes automation events dispatched (or given up on) more than
/// <see cref="AutomationOptions.RetentionDays"/> ago, and the trigger-event ids flows saw before then. An event id is
/// only seen again while its event is pending or a time trigger fires again after a crash (minutes), so a dedupe row
/// that old guards nothing; without this the table grows by a row per run for ever.
/// </summary>
public sealed class AutomationRetention(
    FlowsDbContext db, DatabaseWriteGate gate, TimeProvider time, IOptions<AutomationOptions> options, ILogger<AutomationRetention> logger)
{
    public const string JobId = "automation-retention";

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

    public async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        var events = await ExpiredEvents(db, cutoff).DeleteInTurnsAsync(db, gate, cancellationToken);
        var seen = await ExpiredTriggerEvents(db, cutoff).DeleteInTurnsAsync(db, gate, cancellationToken);
        if (events + seen > 0)
        {
            logger.LogInformation("Deleted {EventCount} automation events and {SeenCount} trigger-event ids from before {Cutoff:u}",
                events, seen, cutoff);
        }
    }
}
