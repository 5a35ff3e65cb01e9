using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Observability;

namespace Omnichannel.Flows.Platform.Channels.Ingest;

/// <summary>
/// Turns stored deliveries into messages and statuses. A batch is claimed with a lease (a conditional update), so
/// several instances never process the same delivery at once; each delivery is handled in its own transaction and
/// handling is idempotent (unique indexes), so a retry after a crash changes nothing twice.
/// </summary>
public sealed class InboundEventProcessor(
    IDbContextFactory<FlowsDbContext> dbs,
    InboundWriteGate gate,
    ChannelRegistry channels,
    InboundItemHandler handler,
    ConversationEvents events,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    ILogger<InboundEventProcessor> logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <returns>How many deliveries were claimed (0 when there is nothing to do).</returns>
    public async Task<int> ProcessBatchAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken);
        foreach (var delivery in claimed)
        {
            await ProcessAsync(delivery, cancellationToken);
        }

        return claimed.Count;
    }

    private async Task<List<InboundEvent>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var token = Guid.NewGuid();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        int count;
        using (await gate.EnterAsync(cancellationToken))
        {
            count = await db.InboundEvents
                .Where(e => e.State == InboundEventState.Pending && (e.LockedUntil == null || e.LockedUntil < now))
                .OrderBy(e => e.ReceivedAt)
                .Take(options.Value.ProcessingBatchSize)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(e => e.LockedBy, token)
                    .SetProperty(e => e.LockedUntil, now + Lease), cancellationToken);
        }

        return count == 0
            ? []
            : await db.InboundEvents.AsNoTracking()
                .Where(e => e.LockedBy == token && e.State == InboundEventState.Pending)
                .OrderBy(e => e.ReceivedAt)
                .ToListAsync(cancellationToken);
    }

    private async Task ProcessAsync(InboundEvent delivery, CancellationToken cancellationToken)
    {
        using var activity = FlowsTelemetry.Source.StartActivity(
            "inbound.process", ActivityKind.Consumer, delivery.TraceParent);
        activity?.SetTag("channel", delivery.Channel.ToName());
        activity?.SetTag("inbound_event.id", delivery.Id);

        IReadOnlyList<InboundItem> items;
        try
        {
            items = channels.Inbound(delivery.Channel).Parse(delivery);
        }
        catch (InboundPayloadException exception)
        {
            logger.LogWarning("{Channel} delivery {InboundEventId} does not parse at {Pointer}: {Error}",
                delivery.Channel, delivery.Id, exception.Pointer, exception.Message);
            await FinishAsync(delivery.Id, InboundEventState.Failed, $"{exception.Pointer}: {exception.Message}", cancellationToken);
            return;
        }

        try
        {
            var notifications = new List<ConversationEvent>();
            await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
            {
                using var turn = await gate.EnterAsync(cancellationToken);
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                foreach (var item in items)
                {
                    await handler.HandleAsync(db, delivery, item, notifications, cancellationToken);
                }

                await MarkAsync(db, delivery.Id, InboundEventState.Processed, null, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            notifications.ForEach(events.Publish);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            var attempts = delivery.Attempts + 1;
            var giveUp = attempts >= options.Value.MaxAttempts;
            logger.LogError(exception, "Processing {Channel} delivery {InboundEventId} failed (attempt {Attempt}{GiveUp})",
                delivery.Channel, delivery.Id, attempts, giveUp ? ", giving up" : "");
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            using var turn = await gate.EnterAsync(cancellationToken);
            var retryAt = time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(Math.Pow(4, attempts));
            await db.InboundEvents.Where(e => e.Id == delivery.Id).ExecuteUpdateAsync(set => set
                .SetProperty(e => e.Attempts, attempts)
                .SetProperty(e => e.Error, Truncate(exception.Message))
                .SetProperty(e => e.LockedUntil, retryAt)
                .SetProperty(e => e.State, giveUp ? InboundEventState.Failed : InboundEventState.Pending), cancellationToken);
        }
    }

    private async Task FinishAsync(Guid id, InboundEventState state, string? error, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        using var turn = await gate.EnterAsync(cancellationToken);
        await MarkAsync(db, id, state, error, cancellationToken);
    }

    private Task<int> MarkAsync(FlowsDbContext db, Guid id, InboundEventState state, string? error, CancellationToken cancellationToken) =>
        db.InboundEvents.Where(e => e.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.State, state)
            .SetProperty(e => e.Error, Truncate(error))
            .SetProperty(e => e.ProcessedAt, time.GetUtcNow().UtcDateTime), cancellationToken);

    private static string? Truncate(string? text) => text is { Length: > 2000 } ? text[..2000] : text;
}
