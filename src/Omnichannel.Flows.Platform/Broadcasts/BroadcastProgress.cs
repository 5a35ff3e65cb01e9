using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>How far a broadcast got, counted in the database from its recipients and their messages.</summary>
public sealed class BroadcastProgressQuery(FlowsDbContext db)
{
    /// <summary>A broadcast's messages, through the index that holds broadcast messages only.</summary>
    internal static IQueryable<Message> MessagesOf(FlowsDbContext db, Guid broadcastId) => db.Messages.Where(m => m.BroadcastId == broadcastId);

    public async Task<BroadcastProgress> ForAsync(Broadcast broadcast, CancellationToken cancellationToken)
    {
        var id = broadcast.Id;
        var states = await db.BroadcastRecipients.Where(r => r.BroadcastId == id)
            .GroupBy(r => new { r.State, r.SkipReason }).Select(g => new { g.Key.State, g.Key.SkipReason, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var messages = await MessagesOf(db, id)
            .GroupBy(m => new { m.Status, m.Channel })
            .Select(g => new { g.Key.Status, g.Key.Channel, Count = g.Count(), Estimated = g.Sum(m => m.CostEstimateMicros), Actual = g.Sum(m => m.CostActualMicros) })
            .ToListAsync(cancellationToken);
        var currency = await MessagesOf(db, id).Where(m => m.CostCurrency != null).Select(m => m.CostCurrency).FirstOrDefaultAsync(cancellationToken);
        var replied = await db.BroadcastRecipients
            .Where(r => r.BroadcastId == id && r.SendingAt != null
                && db.Messages.Any(m => m.ContactId == r.ContactId && m.Direction == MessageDirection.Inbound && m.SentAt > r.SendingAt))
            .CountAsync(cancellationToken);

        int Recipients(params RecipientState[] wanted) => states.Where(s => wanted.Contains(s.State)).Sum(s => s.Count);
        int Messages(params DeliveryStatus[] wanted) => messages.Where(m => wanted.Contains(m.Status)).Sum(m => m.Count);
        var accepted = new[] { DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Read };
        return new BroadcastProgress(
            Recipients: states.Sum(s => s.Count),
            Queued: Recipients(RecipientState.Pending, RecipientState.Queued),
            Sending: Messages(DeliveryStatus.Sending),
            Sent: Messages(accepted),
            Delivered: Messages(DeliveryStatus.Delivered, DeliveryStatus.Read),
            Read: Messages(DeliveryStatus.Read),
            Failed: Messages(DeliveryStatus.Failed),
            Unknown: Messages(DeliveryStatus.Unknown),
            Replied: replied,
            Skipped: Recipients(RecipientState.Skipped),
            SkippedBecause: states.Where(s => s.State == RecipientState.Skipped)
                .GroupBy(s => s.SkipReason ?? "").ToDictionary(g => g.Key, g => g.Sum(s => s.Count)),
            SentByChannel: messages.Where(m => accepted.Contains(m.Status))
                .GroupBy(m => m.Channel).ToDictionary(g => g.Key.ToString().ToLowerInvariant(), g => g.Sum(m => m.Count)),
            Cost: new BroadcastCost(
                Estimated: messages.Sum(m => m.Estimated ?? 0) / 1_000_000m,
                Actual: messages.Sum(m => m.Actual ?? 0) / 1_000_000m,
                Confirmed: broadcast.ConfirmedCostMicros / 1_000_000m,
                Currency: currency ?? broadcast.ConfirmedCurrency));
    }
}

/// <summary>
/// Counts: <c>queued</c> waiting for their turn; <c>sending</c> under way; <c>sent</c> accepted by the provider (then
/// <c>delivered</c> and <c>read</c>, which are part of it); <c>failed</c>; <c>unknown</c> (interrupted sends, reconciled
/// from status webhooks, never resent); <c>replied</c>, wrote back after their message; <c>skipped</c> with the reasons.
/// </summary>
public sealed record BroadcastProgress(
    int Recipients, int Queued, int Sending, int Sent, int Delivered, int Read, int Failed, int Unknown, int Replied, int Skipped,
    IReadOnlyDictionary<string, int> SkippedBecause, IReadOnlyDictionary<string, int> SentByChannel, BroadcastCost Cost);

/// <param name="Estimated">What the messages created so far were expected to cost.</param>
/// <param name="Actual">What the provider said it billed so far.</param>
/// <param name="Confirmed">The estimate's total the marketer confirmed when scheduling.</param>
public sealed record BroadcastCost(decimal Estimated, decimal Actual, decimal? Confirmed, string? Currency);
