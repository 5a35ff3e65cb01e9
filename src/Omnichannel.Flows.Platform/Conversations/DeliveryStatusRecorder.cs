using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Conversations;

/// <summary>
/// Applies provider statuses to the messages we sent, only ever forward (see <see cref="DeliveryStatusProgression"/>).
/// A status for a message whose send has not been answered yet is kept and applied when the answer comes; a send left
/// <see cref="DeliveryStatus.Unknown"/> by a crash is reconciled here through the correlation id the provider echoes.
/// </summary>
public sealed class DeliveryStatusRecorder(Pricing.CostEstimator costs, TimeProvider time, ILogger<DeliveryStatusRecorder> logger)
{
    public async Task<Message?> ApplyAsync(FlowsDbContext db, ChannelKind channel, InboundStatus status, CancellationToken cancellationToken)
    {
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Channel == channel && m.ExternalId == status.ExternalId, cancellationToken);
        if (message is null && status.CorrelationId is { } ownId)
        {
            message = await db.Messages.FirstOrDefaultAsync(
                m => m.Id == ownId && m.Channel == channel && m.Direction == MessageDirection.Outbound, cancellationToken);
            if (message is not null && message.ExternalId is null)
            {
                logger.LogInformation("Message {MessageId} reconciled from a {Channel} status: provider id {ExternalId}",
                    message.Id, channel, status.ExternalId);
                message.ExternalId = status.ExternalId;
            }
        }

        if (message is null)
        {
            db.PendingDeliveryStatuses.Add(new PendingDeliveryStatus
            {
                Channel = channel,
                ExternalId = status.ExternalId,
                Status = status.Status,
                OccurredAt = status.OccurredAt,
                ReceivedAt = time.GetUtcNow().UtcDateTime,
                ErrorCode = status.ErrorCode,
                ErrorReason = status.ErrorReason,
                PricingCategory = status.PricingCategory,
                PricingBillable = status.PricingBillable,
                PricingType = status.PricingType,
            });
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }

        var changed = Apply(message, status.Status, status.OccurredAt, status.ErrorCode, status.ErrorReason);
        if (changed && message.Status == DeliveryStatus.Failed)
        {
            SendFailures.RaiseAutomationEvent(db, message, time.GetUtcNow().UtcDateTime);
        }

        await ApplyPricingAsync(message, status.PricingCategory, status.PricingBillable, status.PricingType, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return changed ? message : null;
    }

    /// <summary>
    /// A read watermark: every message we sent the customer on <paramref name="channel"/> at or before it becomes read
    /// (forward only). Instagram names the last message seen instead of a time; a seen message we do not know yet (its
    /// send is unanswered) is kept as a pending read status like any other early status.
    /// </summary>
    /// <returns>The messages that moved.</returns>
    public async Task<IReadOnlyList<Message>> ApplyReadAsync(
        FlowsDbContext db, ChannelKind channel, InboundReadWatermark read, CancellationToken cancellationToken)
    {
        var upTo = read.ReadUpTo;
        if (read.UpToExternalId is { } seenId)
        {
            var seenAt = await db.Messages.Where(m => m.Channel == channel && m.ExternalId == seenId)
                .Select(m => (DateTime?)m.SentAt).FirstOrDefaultAsync(cancellationToken);
            if (seenAt is null && upTo is null)
            {
                var pending = await ApplyAsync(db, channel,
                    new InboundStatus { ExternalId = seenId, Status = DeliveryStatus.Read, OccurredAt = read.OccurredAt }, cancellationToken);
                return pending is null ? [] : [pending];
            }

            upTo = upTo is { } watermark && (seenAt is null || watermark > seenAt) ? watermark : seenAt;
        }

        if (upTo is not { } readUpTo)
        {
            return [];
        }

        // One identity at most (channel + external id is unique).
        var recipient = await db.ChannelIdentities.AsNoTracking()
            .Where(i => i.Channel == channel && i.ExternalId == read.CustomerExternalId)
            .Select(i => (Guid?)i.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (recipient is not { } identityId)
        {
            return [];
        }

        // Watermarks are whole milliseconds: a message sent within that millisecond counts as at or before it.
        var sent = await SentUnreadTo(db, identityId, readUpTo.AddMilliseconds(1)).ToListAsync(cancellationToken);
        var moved = sent.Where(m => Apply(m, DeliveryStatus.Read, read.OccurredAt, null, null)).ToList();
        await db.SaveChangesAsync(cancellationToken);
        if (moved.Count > 0)
        {
            logger.LogInformation("{Channel} customer read {MessageCount} messages sent up to {ReadUpTo:o}", channel, moved.Count, readUpTo);
        }

        return moved;
    }

    /// <summary>Applies statuses that arrived before the send's answer told us the provider id. Saves nothing.</summary>
    public async Task ApplyPendingAsync(FlowsDbContext db, Message message, CancellationToken cancellationToken)
    {
        var pending = await db.PendingDeliveryStatuses
            .Where(s => s.Channel == message.Channel && s.ExternalId == message.ExternalId)
            .ToListAsync(cancellationToken);
        foreach (var status in pending.OrderBy(s => s.OccurredAt))
        {
            if (Apply(message, status.Status, status.OccurredAt, status.ErrorCode, status.ErrorReason) && message.Status == DeliveryStatus.Failed)
            {
                SendFailures.RaiseAutomationEvent(db, message, time.GetUtcNow().UtcDateTime);
            }

            await ApplyPricingAsync(message, status.PricingCategory, status.PricingBillable, status.PricingType, cancellationToken);
        }

        db.PendingDeliveryStatuses.RemoveRange(pending);
    }

    private static bool Apply(Message message, DeliveryStatus status, DateTime occurredAt, string? errorCode, string? errorReason)
    {
        if (!DeliveryStatusProgression.CanMove(message.Status, status))
        {
            return false;
        }

        message.Status = status;
        message.StatusAt = occurredAt;
        if (status == DeliveryStatus.Failed)
        {
            (message.ErrorCode, message.ErrorReason) = SendFailures.Classify(errorCode, errorReason);
        }

        return true;
    }

    /// <summary>Records what the provider says it billed, and from it (and the rate card) the send's actual cost.</summary>
    private async Task ApplyPricingAsync(Message message, string? category, bool? billable, string? type, CancellationToken cancellationToken)
    {
        message.PricingCategory = category ?? message.PricingCategory;
        message.PricingBillable = billable ?? message.PricingBillable;
        message.PricingType = type ?? message.PricingType;
        if (billable is not null)
        {
            message.CostActualMicros = await costs.ActualMicrosAsync(message, cancellationToken);
        }
    }

    /// <summary>
    /// Our sent or delivered messages to the customer's identity <paramref name="identityId"/> sent before
    /// <paramref name="before"/>: what a read watermark marks read. Only messages that left: a queued or failed one cannot
    /// have been read, whatever its time. Found through the identity's messages (IX_Messages_ChannelIdentityId_SentAt).
    /// </summary>
    internal static IQueryable<Message> SentUnreadTo(FlowsDbContext db, Guid identityId, DateTime before) =>
        db.Messages.Where(m => m.Direction == MessageDirection.Outbound && m.ChannelIdentityId == identityId && m.SentAt < before
            && (m.Status == DeliveryStatus.Sent || m.Status == DeliveryStatus.Delivered));
}
