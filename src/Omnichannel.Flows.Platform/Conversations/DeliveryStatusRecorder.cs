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
public sealed class DeliveryStatusRecorder(TimeProvider time, ILogger<DeliveryStatusRecorder> logger)
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
        ApplyPricing(message, status.PricingCategory, status.PricingBillable, status.PricingType);
        await db.SaveChangesAsync(cancellationToken);
        return changed ? message : null;
    }

    /// <summary>Applies statuses that arrived before the send's answer told us the provider id. Saves nothing.</summary>
    public async Task ApplyPendingAsync(FlowsDbContext db, Message message, CancellationToken cancellationToken)
    {
        var pending = await db.PendingDeliveryStatuses
            .Where(s => s.Channel == message.Channel && s.ExternalId == message.ExternalId)
            .ToListAsync(cancellationToken);
        foreach (var status in pending.OrderBy(s => s.OccurredAt))
        {
            Apply(message, status.Status, status.OccurredAt, status.ErrorCode, status.ErrorReason);
            ApplyPricing(message, status.PricingCategory, status.PricingBillable, status.PricingType);
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
            message.ErrorCode = errorCode;
            message.ErrorReason = errorReason;
        }

        return true;
    }

    private static void ApplyPricing(Message message, string? category, bool? billable, string? type)
    {
        message.PricingCategory = category ?? message.PricingCategory;
        message.PricingBillable = billable ?? message.PricingBillable;
        message.PricingType = type ?? message.PricingType;
    }
}
