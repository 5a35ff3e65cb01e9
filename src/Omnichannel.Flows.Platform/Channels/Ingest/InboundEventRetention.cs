using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// A daily Hangfire job: deletes raw deliveries older than <see cref="WebhookOptions.RetentionDays"/>, and webhook nonces
/// whose deliveries would be refused as stale anyway.
/// </summary>
public sealed class InboundEventRetention(
    FlowsDbContext db, DatabaseWriteGate gate, TimeProvider time, IOptions<WebhookOptions> options, ILogger<InboundEventRetention> logger)
{
    public const string JobId = "inbound-event-retention";

    /// <summary>Deliveries done with (processed, or failed for good) and received before <paramref name="cutoff"/>: read through the (state, received) index.</summary>
    internal static IQueryable<InboundEvent> Expired(FlowsDbContext db, DateTime cutoff) => db.InboundEvents
        .Where(e => (e.State == InboundEventState.Processed || e.State == InboundEventState.Failed) && e.ReceivedAt < cutoff);

    public async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays);
        var deleted = await Expired(db, cutoff).DeleteInTurnsAsync(db, gate, cancellationToken);
        if (deleted > 0)
        {
            logger.LogInformation("Deleted {DeliveryCount} webhook deliveries received before {Cutoff:u}", deleted, cutoff);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var expired = await db.WebhookNonces.Where(n => n.ExpiresAt < now).DeleteInTurnsAsync(db, gate, cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("Deleted {NonceCount} expired webhook nonces", expired);
        }
    }
}
