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
    FlowsDbContext db, TimeProvider time, IOptions<AutomationOptions> options, ILogger<AutomationRetention> logger)
{
    public const string JobId = "automation-retention";

    public async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        var events = await db.AutomationEvents
            .Where(e => e.State != AutomationEventState.Pending && e.DispatchedAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken);
        var seen = await db.FlowTriggerEvents.Where(e => e.SeenAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (events + seen > 0)
        {
            logger.LogInformation("Deleted {EventCount} automation events and {SeenCount} trigger-event ids from before {Cutoff:u}",
                events, seen, cutoff);
        }
    }
}
